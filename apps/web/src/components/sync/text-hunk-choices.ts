// The conflict dialog's view of a long text both sides changed: the text merged line by
// line (sync/text-merge.ts, the same merge the replica ran), and the person's choice for
// each colliding hunk. Pure, so what the dialog saves and logs is tested on its own.
import {
  LINE_MERGED_FIELDS,
  type CollectionName,
  type ConflictHunk,
  type HunkDecision,
} from '@wikisync/shared';
import { applyDecisions, decidedLines, mergeText, type TextMergeResult } from '../../sync/text-merge';
import type { Row } from './conflict-merge';

export interface TextFieldMerge {
  field: string;
  merge: TextMergeResult;
}

/** A hunk's choice: none yet, or a decision; `edited` holds the text typed for "edit". */
export interface HunkChoice {
  decision: HunkDecision | null;
  edited: string;
}

/** The long text fields both sides changed differently, merged against the base. */
export function lineMerges(collection: string, local: Row, server: Row, base: Row | null): TextFieldMerge[] {
  if (!base || local._deleted || server._deleted) return [];
  const fields: readonly string[] = LINE_MERGED_FIELDS[collection as CollectionName] ?? [];
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return fields.flatMap((field) => {
    const [mine, theirs, before] = [text(local[field]), text(server[field]), text(base[field])];
    if (mine === theirs || mine === before || theirs === before) return [];
    return [{ field, merge: mergeText(before, mine, theirs) }];
  });
}

export const undecided = (merge: TextMergeResult): HunkChoice[] =>
  merge.conflicts.map(() => ({ decision: null, edited: '' }));

export const openHunks = (choices: readonly HunkChoice[]) =>
  choices.filter((choice) => choice.decision === null).length;

/** The text the choices give; a hunk not decided yet keeps both sides, so nothing is dropped. */
export function decidedText(merge: TextMergeResult, choices: readonly HunkChoice[]): string {
  return applyDecisions(merge.segments, (hunk, index) => {
    const choice = choices[index];
    return decidedLines(hunk, choice?.decision ?? 'both', choice?.edited);
  });
}

/** The colliding hunks of one field as the server's log keeps them. Without choices (the
 * whole text was edited) the hunks carry no decision: the result is the whole text. */
export function loggedHunks(
  { field, merge }: TextFieldMerge,
  choices: readonly HunkChoice[] | HunkDecision | null,
): ConflictHunk[] {
  return merge.conflicts.map((hunk, index) => {
    const logged: ConflictHunk = {
      field,
      base_line: hunk.baseLine,
      base: hunk.base,
      local: hunk.local,
      server: hunk.server,
    };
    const choice = typeof choices === 'string' ? { decision: choices, edited: '' } : choices?.[index];
    if (!choice?.decision) return logged;
    return {
      ...logged,
      decision: choice.decision,
      result: decidedLines(hunk, choice.decision, choice.edited),
    };
  });
}
