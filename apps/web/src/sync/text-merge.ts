// Line-level three-way merge of the long text fields (document content, task outline,
// repository description), with node-diff3 doing the diff3 algorithm.
//
// What overlaps: a hunk is a run of lines one side changed (replaced, removed or inserted
// lines). Two hunks overlap when they touch the same base line, or adjacent base lines, or
// insert at the same place: an edit to line 5 and one to line 6 collide, an edit to line 5
// and one to line 7 merge. This is node-diff3's rule (and git's); adjacency counts because
// the order of two neighbouring changes is a guess either way. Both sides making the very
// same change is no collision.
//
// Pure and deterministic: the same base, local and server texts give the same segments on
// every tab and client. Lines are split on "\n" only, so "\r" stays part of its line.
import { diff3Merge } from 'node-diff3';
import type { ConflictHunk, HunkDecision } from '@wikisync/shared';

export type TextSegment =
  | { kind: 'merged'; lines: string[] }
  | { kind: 'conflict'; baseLine: number; base: string[]; local: string[]; server: string[] };

export interface TextMergeResult {
  segments: TextSegment[];
  /** The colliding hunks only, in text order. */
  conflicts: Extract<TextSegment, { kind: 'conflict' }>[];
}

export const splitLines = (text: string) => text.split('\n');
export const joinLines = (lines: readonly string[]) => lines.join('\n');

export function mergeText(base: string, local: string, server: string): TextMergeResult {
  const regions = diff3Merge(splitLines(local), splitLines(base), splitLines(server), {
    excludeFalseConflicts: true,
  });
  const segments: TextSegment[] = [];
  for (const region of regions) {
    if (region.ok) {
      const last = segments.at(-1);
      if (last?.kind === 'merged') last.lines.push(...region.ok);
      else segments.push({ kind: 'merged', lines: [...region.ok] });
    } else if (region.conflict) {
      const { a, o, b, oIndex } = region.conflict;
      segments.push({ kind: 'conflict', baseLine: oIndex, base: o, local: a, server: b });
    }
  }
  return {
    segments,
    conflicts: segments.filter(
      (segment): segment is Extract<TextSegment, { kind: 'conflict' }> => segment.kind === 'conflict',
    ),
  };
}

/** The lines a decision gives for one colliding hunk. */
export function decidedLines(
  hunk: { local: string[]; server: string[] },
  decision: HunkDecision,
  edited?: string,
): string[] {
  if (decision === 'local') return hunk.local;
  if (decision === 'server') return hunk.server;
  if (decision === 'both') return [...hunk.local, ...hunk.server];
  return edited === undefined || edited === '' ? [] : splitLines(edited);
}

/** The text with every colliding hunk replaced by the lines chosen for it (by its index). */
export function applyDecisions(
  segments: readonly TextSegment[],
  choose: (hunk: Extract<TextSegment, { kind: 'conflict' }>, index: number) => string[],
): string {
  const lines: string[] = [];
  let index = 0;
  for (const segment of segments) {
    if (segment.kind === 'merged') lines.push(...segment.lines);
    else lines.push(...choose(segment, index++));
  }
  return joinLines(lines);
}

/** The colliding hunks as the conflict record and the server's log carry them. */
export function toWireHunks(field: string, result: TextMergeResult): ConflictHunk[] {
  return result.conflicts.map((hunk) => ({
    field,
    base_line: hunk.baseLine,
    base: hunk.base,
    local: hunk.local,
    server: hunk.server,
  }));
}
