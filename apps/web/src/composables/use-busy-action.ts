import { errorMessage } from '../i18n/error-message';
import { ref } from 'vue';

/**
 * A button's action with its state: `busy` while it runs (to disable the button), and the
 * failure's message in `error` (shown beside it) instead of an unhandled rejection.
 */
export function useBusyAction() {
  const busy = ref(false);
  const error = ref<string | null>(null);

  async function run(action: () => Promise<unknown>): Promise<void> {
    busy.value = true;
    error.value = null;
    try {
      await action();
    } catch (caught) {
      error.value = errorMessage(caught);
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, run };
}
