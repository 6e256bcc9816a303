import { describe, expect, it } from 'vitest';
import { initialMergeChoices, mergeRows, mergeableDifferences } from './conflict-merge';

describe('conflict merge', () => {
  const base = { uid: 'd', title: 'T', content: 'one', sort_order: 1 };
  const local = { uid: 'd', title: 'T (mine)', content: 'one', sort_order: 1 };
  const server = { uid: 'd', title: 'T', content: 'two', sort_order: 1 };

  it('takes each field from the side that changed it', () => {
    const differences = mergeableDifferences(local, server, base);
    const choices = initialMergeChoices(differences);
    expect(choices).toEqual({ content: 'server', title: 'local' });
    expect(mergeRows(local, server, choices)).toEqual({
      uid: 'd',
      title: 'T (mine)',
      content: 'two',
      sort_order: 1,
    });
  });

  it('lets an edit win over both sides', () => {
    const merged = mergeRows(local, server, { title: 'local' }, { content: 'one and two' });
    expect(merged).toMatchObject({ title: 'T (mine)', content: 'one and two' });
  });
});
