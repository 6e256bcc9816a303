// The "merge" choice of the conflict dialog: start from the server row (it has the newest
// server-owned fields), take each differing field from the side that changed it, and let
// the person edit the result. A field both sides changed starts as the local value.
import { diffFields, type FieldDifference } from '../../utils/field-diff';

export type Row = Record<string, unknown>;

export function initialMergeChoices(differences: FieldDifference[]): Record<string, 'local' | 'server'> {
  return Object.fromEntries(
    differences.map((difference) => [
      difference.field,
      difference.changedOnServer && !difference.changedLocally ? 'server' : 'local',
    ]),
  );
}

export function mergeRows(
  local: Row,
  server: Row,
  choices: Record<string, 'local' | 'server'>,
  edits: Record<string, unknown> = {},
): Row {
  const merged: Row = { ...server };
  for (const [field, side] of Object.entries(choices))
    merged[field] = side === 'local' ? local[field] : server[field];
  return { ...merged, ...edits };
}

export function mergeableDifferences(local: Row, server: Row, base: Row | null): FieldDifference[] {
  return diffFields(local, server, base).filter((difference) => difference.field !== 'uid');
}
