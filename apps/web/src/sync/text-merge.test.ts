import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyDecisions, decidedLines, mergeText } from './text-merge';
import { threeWayMerge } from './three-way-merge';
import type { DocState } from './conflict-schema';

const text = (...lines: string[]) => lines.join('\n');
const base = text('one', 'two', 'three', 'four', 'five');
/** The base merged with the local and server lines given. */
const mergeOf = (local: string[], server: string[]) => mergeText(base, text(...local), text(...server));
const serverSide = (merged: ReturnType<typeof mergeText>) => applyDecisions(merged.segments, (h) => h.server);

describe('line-level three-way merge', () => {
  it('merges edits to lines with an unchanged line between them', () => {
    const merged = mergeOf(['ONE', 'two', 'three', 'four', 'five'], ['one', 'two', 'THREE', 'four', 'five']);
    expect(merged.conflicts).toEqual([]);
    expect(serverSide(merged)).toBe(text('ONE', 'two', 'THREE', 'four', 'five'));
  });

  it('merges an insertion on one side with a removal elsewhere on the other', () => {
    const merged = mergeOf(['zero', 'one', 'two', 'three', 'four', 'five'], ['one', 'two', 'three', 'five']);
    expect(merged.conflicts).toEqual([]);
    expect(serverSide(merged)).toBe(text('zero', 'one', 'two', 'three', 'five'));
  });

  it('makes a hunk of an edit to the same line, with base, local and server lines', () => {
    const merged = mergeOf(
      ['one', 'mine', 'three', 'four', 'five'],
      ['one', 'theirs', 'three', 'four', 'FIVE'],
    );
    expect(merged.conflicts).toEqual([
      { kind: 'conflict', baseLine: 1, base: ['two'], local: ['mine'], server: ['theirs'] },
    ]);
    // The rest is merged: the server's edit to line 5 is outside the hunk.
    expect(merged.segments.at(-1)).toEqual({ kind: 'merged', lines: ['three', 'four', 'FIVE'] });
  });

  it('counts edits to adjacent lines as overlapping', () => {
    const merged = mergeOf(['one', 'TWO', 'three', 'four', 'five'], ['one', 'two', 'THREE', 'four', 'five']);
    expect(merged.conflicts).toEqual([
      {
        kind: 'conflict',
        baseLine: 1,
        base: ['two', 'three'],
        local: ['TWO', 'three'],
        server: ['two', 'THREE'],
      },
    ]);
  });

  it('counts two insertions at the same place as overlapping, and the same change on both sides as none', () => {
    expect(
      mergeOf(['one', 'a', 'two', 'three', 'four', 'five'], ['one', 'b', 'two', 'three', 'four', 'five'])
        .conflicts,
    ).toHaveLength(1);
    const same = text('one', 'TWO', 'three', 'four', 'five');
    expect(mergeText(base, same, same).conflicts).toEqual([]);
  });

  it('gives each decision its lines: mine, theirs, both (mine first) or edited', () => {
    const hunk = { local: ['mine'], server: ['theirs'] };
    expect(decidedLines(hunk, 'local')).toEqual(['mine']);
    expect(decidedLines(hunk, 'server')).toEqual(['theirs']);
    expect(decidedLines(hunk, 'both')).toEqual(['mine', 'theirs']);
    expect(decidedLines(hunk, 'edited', 'x\ny')).toEqual(['x', 'y']);
    expect(decidedLines(hunk, 'edited', '')).toEqual([]);
  });

  it('is deterministic and symmetric when nothing collides', () => {
    // Each side owns every fourth line, with an untouched line between theirs and mine.
    // Distinct base lines: among identical lines a diff may place a change on a neighbouring
    // copy, which can turn into a collision (recorded, never lost), as in any diff3.
    const lines = fc
      .integer({ min: 6, max: 40 })
      .map((n) => Array.from({ length: n }, (_, i) => `line ${i}`));
    fc.assert(
      fc.property(lines, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (baseLines, which) => {
        const local = baseLines.map((line, i) => (i % 4 === 0 && which[i] ? `L${i}` : line));
        const server = baseLines.map((line, i) => (i % 4 === 2 && which[i] ? `S${i}` : line));
        const expected = baseLines.map((line, i) => (local[i] !== line ? local[i] : server[i])).join('\n');
        const one = mergeText(baseLines.join('\n'), local.join('\n'), server.join('\n'));
        const other = mergeText(baseLines.join('\n'), server.join('\n'), local.join('\n'));
        expect(one.conflicts).toEqual([]);
        expect(serverSide(one)).toBe(expected);
        expect(serverSide(other)).toBe(expected);
        expect(mergeText(baseLines.join('\n'), local.join('\n'), server.join('\n'))).toEqual(one);
      }),
    );
  });
});

describe('three-way merge of a long text field', () => {
  const doc = (content: string): DocState => ({
    uid: 'd1',
    id: 1,
    repository_uid: 'r1',
    title: 'Doc',
    content,
    updated_at: '2024-01-01T00:00:00.000Z',
    _deleted: false,
  });
  const mergeDocs = (local: string[], server: string[]) =>
    threeWayMerge('documents', doc(base), doc(text(...local)), doc(text(...server)));

  it('pushes merged content with no conflict when the hunks do not overlap', () => {
    const result = mergeDocs(
      ['ONE', 'two', 'three', 'four', 'five'],
      ['one', 'two', 'three', 'four', 'FIVE'],
    );
    expect(result.conflictingFields).toEqual([]);
    expect(result.hunks).toEqual([]);
    expect(result.doc.content).toBe(text('ONE', 'two', 'three', 'four', 'FIVE'));
  });

  it('records overlapping hunks, keeping the server lines there and merging the rest', () => {
    const result = mergeDocs(
      ['one', 'two', 'mine', 'four', 'FIVE'],
      ['ONE', 'two', 'theirs', 'four', 'five'],
    );
    expect(result.conflictingFields).toEqual(['content']);
    expect(result.hunks).toEqual([
      { field: 'content', base_line: 2, base: ['three'], local: ['mine'], server: ['theirs'] },
    ]);
    expect(result.doc.content).toBe(text('ONE', 'two', 'theirs', 'four', 'FIVE'));
  });
});
