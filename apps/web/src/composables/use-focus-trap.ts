// A modal dialog's keyboard contract: focus moves into it when it opens, Tab and Shift+Tab
// cycle through its controls without leaving it, Escape calls `onEscape`, and focus returns
// to where it was when the dialog closes (unmounts).
import { nextTick, onBeforeUnmount, onMounted, type Ref } from 'vue';

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  'summary',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

export function focusableIn(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (element) => !element.closest('[inert]') && element.getAttribute('aria-hidden') !== 'true',
  );
}

export function useFocusTrap(container: Ref<HTMLElement | null>, onEscape: () => void) {
  let previous: HTMLElement | null = null;
  // Focus that lands outside (a click on the page behind, a screen reader's jump) comes back.
  const keepInside = (event: FocusEvent) => {
    const element = container.value;
    if (element && event.target instanceof Node && !element.contains(event.target)) element.focus();
  };

  onMounted(async () => {
    document.addEventListener('focusin', keepInside);
    previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    await nextTick();
    const element = container.value;
    if (!element) return;
    // The dialog itself, not its first button: a stray Enter must not pick a resolution.
    element.focus();
  });

  onBeforeUnmount(() => {
    document.removeEventListener('focusin', keepInside);
    if (previous?.isConnected) previous.focus();
  });

  function onKeydown(event: KeyboardEvent) {
    const element = container.value;
    if (!element) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      onEscape();
      return;
    }
    if (event.key !== 'Tab') return;
    const controls = focusableIn(element);
    const first = controls[0];
    const last = controls.at(-1);
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    const outside = !(active instanceof Node) || !element.contains(active) || active === element;
    if (event.shiftKey && (active === first || outside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || (outside && active !== element))) {
      event.preventDefault();
      first.focus();
    }
  }

  return { onKeydown };
}
