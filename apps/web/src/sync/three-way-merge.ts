// Field-level three-way merge for conflicts the server reports. Pure, so its table of
// cases is tested on its own. A field only one side changed takes that side's value; a field
// both sides changed differently takes the server's and makes the conflict "real", which
// the caller records for the user. The long text fields (LINE_MERGED_FIELDS) are merged
// line by line instead (text-merge.ts): hunks that do not collide merge by themselves, and
// only colliding hunks make the conflict real; those keep the server's lines meanwhile. Deletion against an edit is always real, and so is a
// refusal by a server whose row did not change (no write access).
import {
  COMPARED_FIELDS,
  LINE_MERGED_FIELDS,
  jsonEqual,
  replicatedDocsEqual,
  type CollectionName,
  type ConflictHunk,
} from '@wikisync/shared';
import type { DocState } from './conflict-schema';
import { applyDecisions, mergeText, toWireHunks } from './text-merge';

export interface MergeResult {
  doc: DocState;
  /** Fields both sides changed to different values (or `_deleted` for delete-vs-edit). */
  conflictingFields: string[];
  /** The colliding line hunks of the long text fields among `conflictingFields`. */
  hunks: ConflictHunk[];
}

const isLineMerged = (collection: CollectionName, field: string) =>
  (LINE_MERGED_FIELDS[collection] as readonly string[]).includes(field);
const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function threeWayMerge(
  collection: CollectionName,
  base: DocState | undefined | null,
  local: DocState,
  server: DocState,
): MergeResult {
  if (server._deleted && local._deleted) return { doc: server, conflictingFields: [], hunks: [] };
  if (!base) {
    // The replica never saw the server's row (both sides created the uid): nothing to merge on.
    const differs = COMPARED_FIELDS[collection].filter(
      (field) => !jsonEqual(local[field] ?? null, server[field] ?? null),
    );
    return { doc: server, conflictingFields: differs, hunks: [] };
  }
  if (server._deleted || local._deleted) return { doc: server, conflictingFields: ['_deleted'], hunks: [] };
  if (replicatedDocsEqual(collection, base, server)) {
    // The server refused without having moved (the user may only read this repository):
    // re-sending the same edit would be refused forever, so keep the server's state.
    const changed = COMPARED_FIELDS[collection].filter(
      (field) => !jsonEqual(local[field] ?? null, base[field] ?? null),
    );
    return { doc: server, conflictingFields: changed.length > 0 ? changed : ['_refused'], hunks: [] };
  }
  const doc: DocState = { ...server };
  const conflictingFields: string[] = [];
  const hunks: ConflictHunk[] = [];
  for (const field of COMPARED_FIELDS[collection]) {
    if (field === 'uid' || field === '_deleted') continue;
    const localChanged = !jsonEqual(local[field] ?? null, base[field] ?? null);
    const serverChanged = !jsonEqual(server[field] ?? null, base[field] ?? null);
    if (field === 'updated_at') {
      // Both sides stamp it on every edit; the later time describes the merged row.
      doc[field] = String(local[field]) > String(server[field]) ? local[field] : server[field];
      continue;
    }
    if (localChanged && !serverChanged) doc[field] = local[field];
    else if (localChanged && serverChanged && !jsonEqual(local[field] ?? null, server[field] ?? null)) {
      if (isLineMerged(collection, field)) {
        const merged = mergeText(text(base[field]), text(local[field]), text(server[field]));
        doc[field] = applyDecisions(merged.segments, (hunk) => hunk.server);
        if (merged.conflicts.length === 0) continue;
        hunks.push(...toWireHunks(field, merged));
      }
      conflictingFields.push(field);
    }
  }
  return { doc, conflictingFields, hunks };
}
