// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ConflictDialog, { type ConflictView } from './ConflictDialog.vue';

const conflict: ConflictView = {
  id: 'c1',
  collection: 'documents',
  uid: 'doc-1',
  base: { uid: 'doc-1', title: 'Guide', content: 'line one\nline two', sort_order: 0 },
  local: { uid: 'doc-1', title: 'Guide (mine)', content: 'line one\nline two', sort_order: 0 },
  server: { uid: 'doc-1', title: 'Guide', content: 'line one\nline 2 from server', sort_order: 0 },
};

describe('ConflictDialog', () => {
  it('shows both versions side by side with only the differing fields and a line diff', () => {
    const wrapper = mount(ConflictDialog, { props: { conflict, remaining: 1 } });
    const rows = wrapper.findAll('[data-test="conflict-fields"] tbody tr');
    expect(rows.map((row) => row.attributes('data-field'))).toEqual(['content', 'title']);
    expect(wrapper.text()).toContain('Guide (mine)');
    const diff = wrapper.find('[data-test="line-diff"]').text();
    expect(diff).toContain('− line 2 from server');
    expect(diff).toContain('+ line two');
  });

  it('emits the local document for "keep mine" and the server one for "use server\'s"', async () => {
    const wrapper = mount(ConflictDialog, { props: { conflict, remaining: 1 } });
    await wrapper.find('[data-test="keep-local"]').trigger('click');
    await wrapper.find('[data-test="use-server"]').trigger('click');
    expect(wrapper.emitted('resolve')).toEqual([
      [{ resolution: 'local', document: conflict.local }],
      [{ resolution: 'server', document: conflict.server }],
    ]);
  });

  it("merges field by field and keeps the person's edits", async () => {
    const wrapper = mount(ConflictDialog, { props: { conflict, remaining: 1 } });
    await wrapper.find('[data-test="merge"]').trigger('click');
    await wrapper.find('[data-test="merge-content"]').setValue('line one\nline two, merged');
    await wrapper.find('[data-test="apply-merge"]').trigger('click');
    expect(wrapper.emitted('resolve')?.[0]).toEqual([
      {
        resolution: 'merged',
        document: {
          uid: 'doc-1',
          title: 'Guide (mine)',
          content: 'line one\nline two, merged',
          sort_order: 0,
        },
      },
    ]);
  });
});
