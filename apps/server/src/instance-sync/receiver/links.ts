// Sideways references between synced rows: a task's current document (`doc`), the task it
// waits for (`run_after`) and the document version that replaced a document (`replaced_by`).
// They are kept by uid (migration 001), so either end may arrive first. A peer names the
// target by its own id; when that id is not mapped here yet, the reference is remembered in
// sync_pending_links and set the moment the target row is mapped (`takePending` and
// `setTakenLinks`, called by row-apply.ts). openDeepWiki needs this: it sends a task's run_after before that task, and
// nothing after the last task would tell us to try again.
import type { Queryable } from '../../db/database.js';
import { lookupMappedRows, type SyncEntity } from '../wire/id-map.js';
import { idList, probeOne, textList } from '../../db/sql-lists.js';

export interface LinkUpdate {
  localId: number;
  /** The uid the reference should hold, or null to clear it. */
  uid: string | null;
}

/** Each reference: the table and column holding it, and what it points at. */
export const LINK_COLUMNS = {
  doc: { table: 'tasks', entity: 'task', column: 'doc_uid', target: 'document' },
  run_after: { table: 'tasks', entity: 'task', column: 'run_after_uid', target: 'task' },
  replaced_by: { table: 'documents', entity: 'document', column: 'replaced_by_uid', target: 'document' },
} as const;
export type LinkField = keyof typeof LINK_COLUMNS;

const TABLE_OF = { task: 'tasks', document: 'documents' } as const;

/**
 * Sets one reference column; only rows whose value differs are written. updated_at is left
 * alone: it is the sender's, and a later copy compares against it.
 */
export async function applyLinks(
  tx: Queryable,
  field: LinkField,
  links: readonly LinkUpdate[],
): Promise<number> {
  if (links.length === 0) return 0;
  const { table, column } = LINK_COLUMNS[field];
  const rows = await tx.query(
    `UPDATE ${table} AS t SET ${column} = x.ref
       FROM jsonb_to_recordset($1::jsonb->'v') AS x(id bigint, ref text)
      WHERE t.id = x.id AND t.${column} IS DISTINCT FROM x.ref
     RETURNING t.id`,
    [{ v: links.map((link) => ({ id: link.localId, ref: link.uid })) }],
  );
  return rows.length;
}

/** uids of our rows, by id. */
export async function rowUids(
  tx: Queryable,
  entity: Extract<SyncEntity, 'task' | 'document'>,
  ids: readonly number[],
): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  if (ids.length === 0) return found;
  const rows = await tx.query<{ id: number; uid: string }>(
    `SELECT ids.id, r.uid FROM ${idList('$1')} ids ${probeOne(TABLE_OF[entity], 'r', 'uid', 'id = ids.id')}`,
    [{ v: ids }],
  );
  for (const row of rows) found.set(Number(row.id), row.uid);
  return found;
}

/** The rows of `table` holding these uids, whatever their repository: each one's id and repository. */
export async function uidOwners(
  tx: Queryable,
  table: 'tasks' | 'documents',
  uids: readonly string[],
): Promise<Map<string, { id: number; repositoryId: number }>> {
  const found = new Map<string, { id: number; repositoryId: number }>();
  if (uids.length === 0) return found;
  const rows = await tx.query<{ id: number; uid: string; repository_id: number }>(
    `SELECT r.id, uids.value AS uid, r.repository_id FROM ${textList('$1')} uids
       ${probeOne(table, 'r', 'id, repository_id', 'uid = uids.value')}`,
    [{ v: uids }],
  );
  for (const row of rows) found.set(row.uid, { id: Number(row.id), repositoryId: Number(row.repository_id) });
  return found;
}

/** One reference a peer sent: our row, and the peer's id of its target (null = none). */
export interface PeerReference {
  localId: number;
  remoteTarget: number | null;
}

export interface ReferenceOutcome {
  applied: number;
  /** References whose target has not arrived; set when it does. */
  pending: number;
}

/** Forgets what these rows' `field` waited for: it has just been set some other way. */
export async function forgetPending(
  tx: Queryable,
  field: LinkField,
  localIds: readonly number[],
): Promise<void> {
  if (localIds.length === 0) return;
  await tx.query(
    `DELETE FROM sync_pending_links p USING ${idList('$3')} ids
      WHERE p.entity = $1::text AND p.field = $2::text AND p.local_id = ids.id`,
    [LINK_COLUMNS[field].entity, field, { v: localIds }],
  );
}

/**
 * Points each row's `field` at the row the peer names, all rows of `localRepositoryId`. A
 * target mapped here is set now; a missing one is remembered (the row keeps its current value
 * until then); `null` clears the reference, unless `keepOnNone` (a sender that leaves the
 * reference to a later call, as task-create does with `doc_id`).
 */
export async function setPeerReferences(
  tx: Queryable,
  peerKey: string,
  localRepositoryId: number,
  field: LinkField,
  references: readonly PeerReference[],
  options: { keepOnNone?: boolean } = {},
): Promise<ReferenceOutcome> {
  if (references.length === 0) return { applied: 0, pending: 0 };
  const { target } = LINK_COLUMNS[field];
  const remoteIds = references.filter((ref) => ref.remoteTarget !== null).map((ref) => ref.remoteTarget!);
  // The targets' uids and the forgetting of what these rows waited for go out together, and
  // then the writes: two round trips, under the repository's lock.
  const [targets] = await Promise.all([
    lookupMappedRows(tx, peerKey, target, remoteIds, localRepositoryId),
    forgetPending(
      tx,
      field,
      references.map((ref) => ref.localId),
    ),
  ]);
  const links: LinkUpdate[] = [];
  const waiting: { localId: number; remoteId: number }[] = [];
  for (const ref of references) {
    if (ref.remoteTarget === null) {
      if (!options.keepOnNone) links.push({ localId: ref.localId, uid: null });
      continue;
    }
    const uid = targets.get(ref.remoteTarget)?.uid;
    if (uid === undefined) waiting.push({ localId: ref.localId, remoteId: ref.remoteTarget });
    else links.push({ localId: ref.localId, uid });
  }
  const [, applied] = await Promise.all([
    waiting.length === 0
      ? undefined
      : tx.query(
          `INSERT INTO sync_pending_links (entity, local_id, field, peer_key, target, remote_id)
           SELECT $1::text, x.local_id, $2::text, $3::text, $4::text, x.remote_id
             FROM jsonb_to_recordset($5::jsonb->'v') AS x(local_id bigint, remote_id bigint)
           ON CONFLICT (entity, local_id, field) DO UPDATE
             SET peer_key = EXCLUDED.peer_key, target = EXCLUDED.target, remote_id = EXCLUDED.remote_id, created_at = now()`,
          [
            LINK_COLUMNS[field].entity,
            field,
            peerKey,
            target,
            { v: waiting.map((w) => ({ local_id: w.localId, remote_id: w.remoteId })) },
          ],
        ),
    applyLinks(tx, field, links),
  ]);
  return { applied, pending: waiting.length };
}

/** Sets a reference to one of our own rows (the receiver's ids) and forgets any pending one. */
export async function setLocalReference(
  tx: Queryable,
  field: LinkField,
  localId: number,
  uid: string | null,
): Promise<void> {
  await forgetPending(tx, field, [localId]);
  await applyLinks(tx, field, [{ localId, uid }]);
}

/** A reference that waited for a row of the peer's, taken off the waiting list. */
export interface PendingLink {
  entity: string;
  local_id: number;
  field: LinkField;
  remote_id: number;
}

/**
 * Takes off the waiting list every reference to one of these rows of the peer (by the peer's
 * ids), for `setTakenLinks` to set once the rows are mapped. Needs only the peer's ids, so it
 * goes out with the writes that map them.
 */
export async function takePending(
  tx: Queryable,
  peerKey: string,
  entity: Extract<SyncEntity, 'task' | 'document'>,
  remoteIds: readonly number[],
): Promise<PendingLink[]> {
  if (remoteIds.length === 0) return [];
  return tx.query<PendingLink>(
    `DELETE FROM sync_pending_links p USING ${idList('$3')} ids
      WHERE p.peer_key = $1::text AND p.target = $2::text AND p.remote_id = ids.id
     RETURNING p.entity, p.local_id, p.field, p.remote_id`,
    [peerKey, entity, { v: remoteIds }],
  );
}

/**
 * Sets the references `takePending` took, now that their targets are mapped (`remoteId` →
 * our `localId`, all rows of `entity` in `localRepositoryId`). A reference from a row of
 * another repository is dropped, never followed across repositories.
 */
export async function setTakenLinks(
  tx: Queryable,
  entity: Extract<SyncEntity, 'task' | 'document'>,
  localRepositoryId: number,
  waiting: readonly PendingLink[],
  pairs: readonly { remoteId: number; localId: number }[],
): Promise<number> {
  if (waiting.length === 0) return 0;
  const localOf = new Map(pairs.map((pair) => [pair.remoteId, pair.localId]));
  const uids = await rowUids(tx, entity, [...localOf.values()]);
  let applied = 0;
  for (const field of Object.keys(LINK_COLUMNS) as LinkField[]) {
    const rows = waiting.filter((row) => row.field === field);
    if (rows.length === 0) continue;
    const { table } = LINK_COLUMNS[field];
    const sameRepository = new Set(
      (
        await tx.query<{ id: number }>(
          `SELECT ids.id FROM ${idList('$1')} ids ${probeOne(table, 'r', 'repository_id', 'id = ids.id')}
            WHERE r.repository_id = $2::bigint`,
          [{ v: rows.map((row) => Number(row.local_id)) }, localRepositoryId],
        )
      ).map((row) => Number(row.id)),
    );
    applied += await applyLinks(
      tx,
      field,
      rows.flatMap((row) => {
        const local = localOf.get(Number(row.remote_id));
        const uid = local === undefined ? undefined : uids.get(local);
        return sameRepository.has(Number(row.local_id)) && uid !== undefined
          ? [{ localId: Number(row.local_id), uid }]
          : [];
      }),
    );
  }
  return applied;
}
