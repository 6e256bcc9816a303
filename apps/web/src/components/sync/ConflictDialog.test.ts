// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ConflictDialog, { type ConflictChoice, type ConflictView } from './ConflictDialog.vue';

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

  describe('with a long text both sides changed', () => {
    const lines = (...values: string[]) => values.join('\n');
    const textConflict: ConflictView = {
      id: 'c2',
      collection: 'documents',
      uid: 'doc-2',
      base: { uid: 'doc-2', title: 'Guide', content: lines('a', 'b', 'c', 'd', 'e') },
      local: { uid: 'doc-2', title: 'Guide', content: lines('A', 'b', 'mine', 'd', 'e') },
      server: { uid: 'doc-2', title: 'Guide', content: lines('a', 'b', 'theirs', 'd', 'E') },
    };

    it('shows only the colliding hunk, with the merged rest collapsed, and no field table', () => {
      const wrapper = mount(ConflictDialog, { props: { conflict: textConflict, remaining: 1 } });
      expect(wrapper.find('[data-test="conflict-fields"]').exists()).toBe(false);
      const hunks = wrapper.findAll('[data-test="hunk"]');
      expect(hunks).toHaveLength(1);
      expect(hunks[0]!.text()).toContain('mine');
      expect(hunks[0]!.text()).toContain('theirs');
      expect(hunks[0]!.text()).not.toContain('A');
      expect(wrapper.findAll('[data-test="merged-lines"]')).toHaveLength(2);
      expect(wrapper.find('[data-test="apply-merge"]').attributes('disabled')).toBeDefined();
    });

    it('saves "both" as mine then theirs, and logs how the hunk was decided', async () => {
      const wrapper = mount(ConflictDialog, { props: { conflict: textConflict, remaining: 1 } });
      await wrapper.find('[data-test="hunk-both"]').setValue(true);
      await wrapper.find('[data-test="apply-merge"]').trigger('click');
      expect(wrapper.emitted('resolve')?.[0]).toEqual([
        {
          resolution: 'merged',
          document: { ...textConflict.server, content: lines('A', 'b', 'mine', 'theirs', 'd', 'E') },
          hunks: [
            {
              field: 'content',
              base_line: 2,
              base: ['c'],
              local: ['mine'],
              server: ['theirs'],
              decision: 'both',
              result: ['mine', 'theirs'],
            },
          ],
        },
      ]);
    });

    it('lets the person edit a hunk, or the whole text', async () => {
      const wrapper = mount(ConflictDialog, { props: { conflict: textConflict, remaining: 1 } });
      await wrapper.find('[data-test="hunk-edited"]').setValue(true);
      await wrapper.find('[data-test="hunk-edit"]').setValue('ours');
      await wrapper.find('[data-test="apply-merge"]').trigger('click');
      const choices = () => wrapper.emitted<[ConflictChoice]>('resolve')!.map(([choice]) => choice);
      expect(choices()[0]!.document.content).toBe(lines('A', 'b', 'ours', 'd', 'E'));

      await wrapper.find('[data-test="edit-whole"]').trigger('click');
      await wrapper.find('[data-test="merge-whole-content"]').setValue('all new');
      await wrapper.find('[data-test="apply-merge"]').trigger('click');
      expect(choices()[1]!.document.content).toBe('all new');
      expect(choices()[1]!.hunks?.[0]).not.toHaveProperty('decision');
    });
  });
});
