import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffLines } from './line-diff';

describe('diffLines', () => {
  it('marks changed lines between kept ones', () => {
    expect(diffLines('a\nb\nc', 'a\nB\nc')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
    ]);
  });

  it('rebuilds both texts from its output', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (left, right) => {
        const before = left.join('\n');
        const after = right.join('\n');
        const changes = diffLines(before, after);
        const rebuiltBefore = changes.filter((c) => c.kind !== 'added').map((c) => c.text);
        const rebuiltAfter = changes.filter((c) => c.kind !== 'removed').map((c) => c.text);
        expect(rebuiltBefore.join('\n')).toBe(before);
        expect(rebuiltAfter.join('\n')).toBe(after);
      }),
    );
  });
});

describe('diffLines on a long document', () => {
  it('reports only the edited lines of a 3,000-line document with two one-line edits', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} of the guide`);
    const edited = lines.map((line, i) => (i === 10 || i === 2990 ? `${line}, edited` : line));
    const changed = diffLines(lines.join('\n'), edited.join('\n')).filter((change) => change.kind !== 'same');
    expect(changed).toEqual([
      { kind: 'removed', text: 'line 10 of the guide' },
      { kind: 'added', text: 'line 10 of the guide, edited' },
      { kind: 'removed', text: 'line 2990 of the guide' },
      { kind: 'added', text: 'line 2990 of the guide, edited' },
    ]);
  });
});
