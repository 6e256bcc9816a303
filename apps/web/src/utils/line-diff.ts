// Line diff for the conflict dialog, reported as runs of kept, removed (only in the first
// text) and added (only in the second) lines. jsdiff's Myers diff does the work: its cost
// grows with the number of changed lines, not the length of the text, so a long document
// with a few edits stays fast, and within a run removed lines come before added ones.
import { diffArrays } from 'diff';

export type LineChange = { kind: 'same' | 'removed' | 'added'; text: string };

export function diffLines(before: string, after: string): LineChange[] {
  const changes: LineChange[] = [];
  for (const part of diffArrays(before.split('\n'), after.split('\n'))) {
    const kind = part.added ? 'added' : part.removed ? 'removed' : 'same';
    for (const text of part.value) changes.push({ kind, text });
  }
  return changes;
}
