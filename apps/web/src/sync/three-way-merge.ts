// Field-level three-way merge for conflicts the server reports. Pure, so its table of
// cases is tested on its own. A field only one side changed takes that side's value; a field
// both sides changed differently takes the server's and makes the conflict "real", which
// the caller records for the user. Deletion against an edit is always real, and so is a
// refusal by a server whose row did not change (no write access).
import { COMPARED_FIELDS, jsonEqual, replicatedDocsEqual, type CollectionName } from '@wikisync/shared';
import type { DocState } from './conflict-schema';

export interface MergeResult {
  doc: DocState;
  /** Fields both sides changed to different values (or `_deleted` for delete-vs-edit). */
  conflictingFields: string[];
}

export function threeWayMerge(
  collection: CollectionName,
  base: DocState | undefined | null,
  local: DocState,
  server: DocState,
): MergeResult {
  if (server._deleted && local._deleted) return { doc: server, conflictingFields: [] };
  if (!base) {
    // The replica never saw the server's row (both sides created the uid): nothing to merge on.
    const differs = COMPARED_FIELDS[collection].filter(
      (field) => !jsonEqual(local[field] ?? null, server[field] ?? null),
    );
    return { doc: server, conflictingFields: differs };
  }
  if (server._deleted || local._deleted) return { doc: server, conflictingFields: ['_deleted'] };
  if (replicatedDocsEqual(collection, base, server)) {
    // The server refused without having moved (the user may only read this repository):
    // re-sending the same edit would be refused forever, so keep the server's state.
    const changed = COMPARED_FIELDS[collection].filter(
      (field) => !jsonEqual(local[field] ?? null, base[field] ?? null),
    );
    return { doc: server, conflictingFields: changed.length > 0 ? changed : ['_refused'] };
  }
  const doc: DocState = { ...server };
  const conflictingFields: string[] = [];
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
      conflictingFields.push(field);
    }
  }
  return { doc, conflictingFields };
}
