// Acting on a recorded conflict once the user has chosen: the server applies the choice
// (checking that its row is still the one the user saw), then the replica takes the result
// with a normal write. Server first: a local write pushed first would move the server row
// and make the resolution's check fail.
import type { RxCollection } from 'rxdb/plugins/core';
import {
  COMPARED_FIELDS,
  type CollectionName,
  type ConflictHunk,
  type ConflictResolution,
} from '@wikisync/shared';
import type { Replica } from './replica';
import { CONFLICT_STATUS, type DocState } from './conflict-schema';
import { ConflictMovedError, ConflictNotFoundError, SyncHttpError } from './errors';
import type { SyncTransport, WireDoc } from './sync-transport';

/** Only the replicated fields: RxDB may add its own (`_meta`, `_rev`) to stored states. */
export function toWireDoc(collection: CollectionName, doc: Record<string, unknown>): WireDoc {
  const wire: Record<string, unknown> = { id: doc.id ?? null };
  for (const field of COMPARED_FIELDS[collection]) wire[field] = doc[field] ?? null;
  wire._deleted = Boolean(doc._deleted);
  return wire as WireDoc;
}

/** Makes the replica hold `doc` (a live state or a tombstone) with an ordinary write. */
export async function writeLocally(
  collection: RxCollection<Record<string, unknown>>,
  doc: Record<string, unknown>,
) {
  const { _deleted: deleted, ...fields } = doc;
  if (deleted) {
    const existing = await collection.findOne(String(doc.uid)).exec();
    if (existing) await existing.incrementalRemove();
    return;
  }
  await collection.upsert(fields);
}

export async function resolveRecordedConflict(
  replica: Replica,
  transport: SyncTransport,
  conflictId: string,
  resolution: ConflictResolution,
  merged?: DocState,
  hunks?: ConflictHunk[],
): Promise<Record<string, unknown> | null> {
  const record = await replica.collections.sync_conflicts.findOne(conflictId).exec();
  if (!record || record.status !== CONFLICT_STATUS.open) throw new ConflictNotFoundError(conflictId);
  const { collection_name: collection, uid, kept, local } = record.toMutableJSON();
  if (resolution === 'merged' && !merged) throw new Error('A "merged" resolution needs the merged document.');
  const chosen = resolution === 'local' ? local : resolution === 'merged' ? merged : undefined;
  let result: Record<string, unknown> | null;
  try {
    const answer = await transport.resolveConflict({
      collection,
      uid,
      resolution,
      // The replica pushed what it kept (a merge, or the server's state), so that is the
      // server row the user's choice replaces.
      base: toWireDoc(collection, kept),
      document: chosen ? toWireDoc(collection, { ...chosen, uid }) : undefined,
      local: toWireDoc(collection, local),
      hunks: hunks && hunks.length > 0 ? hunks : undefined,
    });
    result = answer.document;
  } catch (error) {
    if (error instanceof SyncHttpError && error.status === 409) {
      const current = (error.data ?? null) as DocState | null;
      // Keep the record open against the newer server state, so the dialog can show it.
      if (current) await record.incrementalPatch({ server: current, kept: current });
      throw new ConflictMovedError(current);
    }
    throw error;
  }
  if (result) await writeLocally(replica.collection(collection), result);
  await record.incrementalPatch({
    status: CONFLICT_STATUS.resolved,
    resolution,
    resolved_at: new Date().toISOString(),
  });
  return result;
}
