// @vitest-environment jsdom
// The dialog as a person reads and operates it: labels instead of field names, long texts
// whole, no bookkeeping fields to edit, and the keyboard contract of a modal.
import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import ConflictDialog, { type ConflictView } from './ConflictDialog.vue';

const longText = (ending: string) => `${'A long paragraph that both versions share. '.repeat(8)}${ending}`;
const conflict: ConflictView = {
  id: 'c1',
  collection: 'documents',
  uid: 'doc-1',
  base: { uid: 'doc-1', title: 'Guide', filename: 'a.md', updated_at: '2026-01-01T00:00:00Z', version: 1 },
  local: {
    uid: 'doc-1',
    title: 'Guide (mine)',
    filename: longText('mine'),
    updated_at: '2026-01-02T00:00:00Z',
    version: 1,
  },
  server: {
    uid: 'doc-1',
    title: 'Guide (theirs)',
    filename: longText('theirs'),
    updated_at: '2026-01-03T00:00:00Z',
    version: 2,
  },
};

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  document.body.innerHTML = '';
});

function open() {
  const opener = document.createElement('button');
  opener.textContent = 'opener';
  document.body.append(opener);
  opener.focus();
  wrapper = mount(ConflictDialog, { props: { conflict, remaining: 1 }, attachTo: document.body });
  return { opener, dialog: wrapper.find('[data-test="conflict-dialog"]').element as HTMLElement };
}

describe('ConflictDialog for people', () => {
  it('names fields by their labels and shows long values whole', () => {
    open();
    const headers = wrapper!.findAll('[data-test="conflict-fields"] tbody th').map((cell) => cell.text());
    expect(headers).toEqual(['Filename', 'Title', 'Updated at', 'Version']);
    const text = wrapper!.find('[data-test="conflict-fields"]').text();
    expect(text).toContain(longText('mine'));
    expect(text).toContain(longText('theirs'));
  });

  it('offers only the fields a person writes in the merge editor', async () => {
    open();
    await wrapper!.find('[data-test="merge"]').trigger('click');
    const offered = wrapper!.findAll('[data-test^="merge-"]').map((field) => field.attributes('data-test'));
    expect(offered).toEqual(['merge-filename', 'merge-title']);
  });

  it('takes focus when it opens, keeps Tab inside, and gives focus back when it closes', async () => {
    const { opener, dialog } = open();
    await new Promise((resolve) => setTimeout(resolve));
    expect(document.activeElement).toBe(dialog);
    const buttons = Array.from(dialog.querySelectorAll('button'));
    buttons.at(-1)!.focus();
    await wrapper!.find('[data-test="conflict-dialog"]').trigger('keydown', { key: 'Tab' });
    expect(document.activeElement).toBe(dialog.querySelector('button'));
    await wrapper!.find('[data-test="conflict-dialog"]').trigger('keydown', { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(buttons.at(-1));
    opener.focus();
    expect(dialog.contains(document.activeElement)).toBe(true);
    wrapper!.unmount();
    wrapper = undefined;
    expect(document.activeElement).toBe(opener);
  });

  it('treats Escape as "Later"', async () => {
    open();
    await wrapper!.find('[data-test="conflict-dialog"]').trigger('keydown', { key: 'Escape' });
    expect(wrapper!.emitted('close')).toHaveLength(1);
    expect(wrapper!.emitted('resolve')).toBeUndefined();
  });
});
