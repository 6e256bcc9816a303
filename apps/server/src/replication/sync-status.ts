// `GET /api/v1/sync/status`: where each collection's feed stands, counted over what the
// caller may read, so a client can tell how far behind it is, and which repositories those are.
// With `repositories` (ids, the changes feed's filter) only those repositories count: a device's first sync then knows
// its exact "n of N" (a pull from checkpoint 0 serves tombstones too, so N is rows + tombstones).
import {
  PROTOCOL_VERSION,
  REPLICATION_COLLECTIONS,
  type CollectionName,
  type ReadableRepository,
  type SyncStatus,
  type SyncStatusQuery,
} from '@wikisync/shared';
import type { Queryable } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { readableRepositoryCondition } from '../auth/access.js';
import { COLLECTION_SQL } from './replicated-rows.js';
import { idList } from '../db/sql-lists.js';

export async function readSyncStatus(
  db: Queryable,
  principal: Principal,
  query: SyncStatusQuery = {},
): Promise<SyncStatus> {
  const latest = {} as Record<CollectionName, number>;
  const collections = {} as Record<CollectionName, { rows: number; tombstones: number }>;
  for (const collection of REPLICATION_COLLECTIONS) {
    const column = COLLECTION_SQL[collection].repositoryColumn;
    const visible = readableRepositoryCondition(principal, column, 1);
    const params = [...visible.params];
    let selected = '';
    if (query.repositories) {
      // The feed's own filter (changes-feed.ts), joined as a FROM item, never `IN (…)`:
      // see sql-lists.ts.
      params.push({ v: query.repositories });
      selected = `JOIN ${idList(`$${params.length}`)} wanted ON wanted.id = ${column}`;
    }
    const [row] = await db.query<{ latest: unknown; live: unknown; tombstones: unknown }>(
      `SELECT coalesce(max(x.server_version), 0) AS latest,
              count(*) FILTER (WHERE NOT x.deleted) AS live,
              count(*) FILTER (WHERE x.deleted) AS tombstones
         FROM ${collection} x ${selected} WHERE ${visible.sql}`,
      params,
    );
    latest[collection] = Number(row?.latest ?? 0);
    collections[collection] = { rows: Number(row?.live ?? 0), tombstones: Number(row?.tombstones ?? 0) };
  }
  return {
    server_time: new Date().toISOString(),
    protocol_version: PROTOCOL_VERSION,
    latest_version: latest,
    collections,
    readable_repositories: await readableRepositories(db, principal),
  };
}

/**
 * The live repositories the caller may read, with whether they may write them. Listed on every
 * status read so that a client keeping some offline notices a lost grant within one round.
 */
export async function readableRepositories(
  db: Queryable,
  principal: Principal,
): Promise<ReadableRepository[]> {
  const rows = principal.isAdmin
    ? await db.query<{ id: unknown; uid: string; name: string; access: string }>(
        `SELECT id, uid, name, 'write' AS access FROM repositories WHERE NOT deleted ORDER BY id`,
      )
    : await db.query<{ id: unknown; uid: string; name: string; access: string }>(
        `SELECT r.id, r.uid, r.name, g.access FROM repositories r
           JOIN repository_grants g ON g.repository_id = r.id AND g.user_id = $1
          WHERE NOT r.deleted ORDER BY r.id`,
        [principal.userId],
      );
  return rows.map((row) => ({
    id: Number(row.id),
    uid: row.uid,
    name: row.name,
    may_write: row.access === 'write',
  }));
}
