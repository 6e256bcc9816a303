// The baseline of the conflict-diff bench: the hand-written line diff the conflict dialog
// used before jsdiff (apps/web/src/utils/line-diff.ts), kept here unchanged so the bench
// measures what the switch bought. A longest common subsequence table of O(n·m) cells, which
// gives up (everything removed, then everything added) past MAX_CELLS.

export type LineChange = { kind: 'same' | 'removed' | 'added'; text: string };

const MAX_CELLS = 4_000_000;

export function diffLines(before: string, after: string): LineChange[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: LineChange[] = a.slice(0, start).map((text) => ({ kind: 'same', text }));
  const tail: LineChange[] = a.slice(endA).map((text) => ({ kind: 'same', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  return [...head, ...diffMiddle(midA, midB), ...tail];
}

function diffMiddle(a: string[], b: string[]): LineChange[] {
  if (a.length === 0) return b.map((text) => ({ kind: 'added', text }));
  if (b.length === 0) return a.map((text) => ({ kind: 'removed', text }));
  // Too large to compare line by line: show it as replaced wholesale rather than hang the tab.
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map((text) => ({ kind: 'removed' as const, text })),
      ...b.map((text) => ({ kind: 'added' as const, text })),
    ];
  }
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? lengths[(i + 1) * width + j + 1]! + 1
          : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const changes: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      changes.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
      changes.push({ kind: 'removed', text: a[i]! });
      i++;
    } else {
      changes.push({ kind: 'added', text: b[j]! });
      j++;
    }
  }
  while (i < a.length) changes.push({ kind: 'removed', text: a[i++]! });
  while (j < b.length) changes.push({ kind: 'added', text: b[j++]! });
  return changes;
}
