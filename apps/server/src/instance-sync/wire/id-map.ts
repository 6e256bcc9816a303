// The two id mappings of instance sync.
//  - sync_id_map (receiver and puller side): (peer key, entity, the peer's id) -> our id.
//  - sync_sent_map (sender side): (target, entity, our id) -> the receiver's id.
// Lists travel as JSON inside an object ({v: [...]}) because both drivers pass objects to
// jsonb parameters unchanged, while plain arrays are treated differently by each.
import type { Queryable } from '../../db/database.js';
import { idList, probeOne } from '../../db/sql-lists.js';

export type SyncEntity = 'repository' | 'task' | 'document';

const TABLE_OF: Record<SyncEntity, string> = {
  repository: 'repositories',
  task: 'tasks',
  document: 'documents',
};

/**
 * The peer's ids already mapped to live-or-tombstoned rows of ours, with those rows' uids. For
 * tasks and documents, only rows of `localRepositoryId` count: a mapping that points elsewhere
 * is not trusted.
 */
export async function lookupMappedRows(
  tx: Queryable,
  peerKey: string,
  entity: SyncEntity,
  remoteIds: readonly number[],
  localRepositoryId?: number,
): Promise<Map<number, MappedRow>> {
  return (await lookupMappings(tx, peerKey, entity, remoteIds, localRepositoryId)).rows;
}

/** Our row a peer's id is mapped to. */
export interface MappedRow {
  localId: number;
  uid: string;
  /** It is a tombstone here. */
  deleted: boolean;
}

/** What `lookupMappings` found. */
export interface Mappings {
  /** The trusted mappings (`lookupMappedRows`). */
  rows: Map<number, MappedRow>;
  /**
   * The peer's ids that have a mapping not trusted: to a row of another repository, or to a
   * row no longer there (purged). A row written for one of them replaces its mapping.
   */
  untrusted: Set<number>;
}

/** `lookupMappedRows`, and the peer's ids whose mapping is there but not trusted. */
export async function lookupMappings(
  tx: Queryable,
  peerKey: string,
  entity: SyncEntity,
  remoteIds: readonly number[],
  localRepositoryId?: number,
): Promise<Mappings> {
  if (remoteIds.length === 0) return { rows: new Map(), untrusted: new Set() };
  // Driven from the id list through the primary keys, so the plan does not depend on table
  // statistics (a bulk copy fills the tables faster than they are analysed); the repository
  // is checked here rather than in SQL for the same reason.
  const rows = await tx.query<{
    remote_id: number;
    local_id: number;
    uid: string | null;
    repository_id: number | null;
    deleted: boolean | null;
  }>(
    `SELECT ids.id AS remote_id, m.local_id, r.uid, r.repository_id, r.deleted
       FROM ${idList('$3')} ids
       ${probeOne('sync_id_map', 'm', 'local_id', 'peer_key = $1 AND entity = $2 AND remote_id = ids.id')}
       ${probeOne(TABLE_OF[entity], 'r', `uid, deleted, ${entity === 'repository' ? 'id' : 'repository_id'} AS repository_id`, 'id = m.local_id', undefined, true)}`,
    [peerKey, entity, { v: remoteIds }],
  );
  return mappedRows(rows, entity === 'repository' ? undefined : localRepositoryId);
}

/**
 * The mapped rows by the peer's id, those of `localRepositoryId` only when given; the others
 * untrusted. A function of its own: its loop, inlined into the async lookup, made the engine
 * compile all of that.
 */
function mappedRows(
  rows: readonly {
    remote_id: number;
    local_id: number;
    uid: string | null;
    repository_id: number | null;
    deleted: boolean | null;
  }[],
  localRepositoryId: number | undefined,
): Mappings {
  const found = new Map<number, MappedRow>();
  const untrusted = new Set<number>();
  for (const row of rows) {
    const remoteId = Number(row.remote_id);
    if (
      row.uid === null ||
      (localRepositoryId !== undefined && Number(row.repository_id) !== localRepositoryId)
    )
      untrusted.add(remoteId);
    else found.set(remoteId, { localId: Number(row.local_id), uid: row.uid, deleted: row.deleted === true });
  }
  return { rows: found, untrusted };
}

/** `lookupMappedRows`, our ids only. */
export async function lookupMapped(
  tx: Queryable,
  peerKey: string,
  entity: SyncEntity,
  remoteIds: readonly number[],
  localRepositoryId?: number,
): Promise<Map<number, number>> {
  return localIds(await lookupMappedRows(tx, peerKey, entity, remoteIds, localRepositoryId));
}

/** Our ids of mapped rows (`lookupMappedRows`, `Mappings.rows`), by the peer's id. */
export function localIds(rows: ReadonlyMap<number, { localId: number }>): Map<number, number> {
  const ids = new Map<number, number>();
  for (const [remoteId, row] of rows) ids.set(remoteId, row.localId);
  return ids;
}

export function saveMappings(
  tx: Queryable,
  peerKey: string,
  entity: SyncEntity,
  pairs: readonly { remoteId: number; localId: number }[],
): Promise<void> {
  return savePairs(
    tx,
    MAPS.received,
    peerKey,
    entity,
    pairs.map((pair) => [pair.remoteId, pair.localId]),
  );
}

/**
 * Whether our row `localId` was received from this peer (so the peer may name it by our id),
 * under its key or under any per-repository key of it (`callerForRepository`).
 */
export async function isMappedLocal(
  tx: Queryable,
  peerKey: string,
  entity: SyncEntity,
  localId: number,
): Promise<boolean> {
  const base = peerKey.split('#')[0]!;
  const rows = await tx.query(
    `SELECT 1 FROM sync_id_map WHERE (peer_key = $1 OR starts_with(peer_key, $1 || '#'))
        AND entity = $2 AND local_id = $3 LIMIT 1`,
    [base, entity, localId],
  );
  return rows.length > 0;
}

export async function lookupSent(
  db: Queryable,
  targetId: number,
  entity: SyncEntity,
  localIds: readonly number[],
): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (localIds.length === 0) return found;
  const rows = await db.query<{ local_id: number; remote_id: number }>(
    `SELECT ids.id AS local_id, m.remote_id
       FROM ${idList('$3')} ids
       ${probeOne('sync_sent_map', 'm', 'remote_id', 'target_id = $1 AND entity = $2 AND local_id = ids.id')}`,
    [targetId, entity, { v: localIds }],
  );
  for (const row of rows) found.set(Number(row.local_id), Number(row.remote_id));
  return found;
}

export function saveSent(
  db: Queryable,
  targetId: number,
  entity: SyncEntity,
  pairs: readonly { localId: number; remoteId: number }[],
): Promise<void> {
  return savePairs(
    db,
    MAPS.sent,
    targetId,
    entity,
    pairs.map((pair) => [pair.localId, pair.remoteId]),
  );
}

/** The two maps have one shape: (key, entity, id we look up by) -> the other side's id. */
const MAPS = {
  received: { table: 'sync_id_map', key: 'peer_key', from: 'remote_id', to: 'local_id' },
  sent: { table: 'sync_sent_map', key: 'target_id', from: 'local_id', to: 'remote_id' },
} as const;

async function savePairs(
  db: Queryable,
  map: (typeof MAPS)[keyof typeof MAPS],
  key: string | number,
  entity: SyncEntity,
  pairs: readonly (readonly [from: number, to: number])[],
): Promise<void> {
  if (pairs.length === 0) return;
  const { table, key: keyColumn, from, to } = map;
  await db.query(
    `INSERT INTO ${table} (${keyColumn}, entity, ${from}, ${to})
     SELECT $1, $2, x.from_id, x.to_id FROM jsonb_to_recordset($3::jsonb->'v') AS x(from_id bigint, to_id bigint)
     ON CONFLICT (${keyColumn}, entity, ${from}) DO UPDATE SET ${to} = EXCLUDED.${to}`,
    [key, entity, { v: pairs.map(([fromId, toId]) => ({ from_id: fromId, to_id: toId })) }],
  );
}

/**
 * The receiver's ids of our rows at a target: those it answered with when we sent them, and
 * for rows we pulled from that same peer (`peerKey`, its key as a source), its own ids. A
 * receiver that keys rows by the ids it is sent (openDeepWiki) then gets back the rows it
 * gave us, never new copies of them.
 */
export async function lookupSentOrPulled(
  db: Queryable,
  targetId: number,
  peerKey: string,
  entity: SyncEntity,
  localIds: readonly number[],
): Promise<Map<number, number>> {
  const found = await lookupSent(db, targetId, entity, localIds);
  const unknown = localIds.filter((id) => !found.has(id));
  if (unknown.length === 0) return found;
  // The peer's highest id for each row, should it have sent the same row under two ids.
  const rows = await db.query<{ local_id: number; remote_id: number }>(
    `SELECT ids.id AS local_id, m.remote_id
       FROM ${idList('$3')} ids
       ${probeOne('sync_id_map', 'm', 'remote_id', 'local_id = ids.id AND entity = $2 AND peer_key = $1', 'remote_id DESC')}`,
    [peerKey, entity, { v: unknown }],
  );
  for (const row of rows) found.set(Number(row.local_id), Number(row.remote_id));
  return found;
}
