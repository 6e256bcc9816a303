/**
 * The changes feed of `GET /api/v1/sync/changes`: rows with `server_version` above a
 * checkpoint, oldest first, tombstones included, limited to what the caller may read.
 *
 * Why it never skips a row
 * ------------------------
 * A reader that has served version 42 asks next for `server_version > 42`. That is only
 * safe if no row with a version ≤ 42 can become visible afterwards. Sequences alone do not
 * give this: a transaction can draw 41, stall, and commit after another has drawn and
 * committed 42. Writers are not serialised (any number commit side by side), so the feed
 * serves only versions below the *version horizon* H of migration 007:
 *
 * - A writer W registers before its first draw: it reads f_W, the smallest version not yet
 *   drawn, then takes a shared advisory lock whose key carries f_W. Every version W draws
 *   comes later, so it is ≥ f_W. PostgreSQL releases the lock only after W's commit (or
 *   rollback) is visible to new snapshots.
 * - The reader reads N, the smallest version not yet drawn (time t1), then the floors of
 *   all registrations held in this database (pg_locks, time t2 > t1), and takes
 *   H = min(N, those floors). Only then does it run the page's SELECT, whose snapshot S is
 *   taken at t3 > t2, and it serves rows of S with checkpoint < version < H.
 *
 * Claim: every version v < H that is ever committed is visible in S. Let W commit v < H.
 * Then f_W ≤ v < H ≤ N. If W registered before t2 and still held its lock at t2, its floor
 * was read, so H ≤ f_W ≤ v: impossible. If it registered before t2 and had released the
 * lock by then, its commit was visible before t2 < t3, so S sees it. If it registered after
 * t2, it drew v after t1, so v ≥ N ≥ H: impossible. (pg_locks is read under all of the lock
 * table's partition locks, so a registration is either before that read or after it.)
 *
 * So a page, being the versions of S between the checkpoint and H in order and cut by LIMIT,
 * is a gap-free prefix of everything that will ever be committed above the checkpoint, and the
 * next page, which starts above the last version served (< H), misses nothing. Gaps in the
 * numbers are rolled-back draws, which never appear. Nothing here uses transaction ids, so
 * xid wraparound does not enter, and transactions that stamp no replicated row (readers,
 * other tables, other databases of the cluster) never hold the horizon back.
 *
 * On PGlite the same SQL runs on a single backend, and the client library runs one
 * transaction at a time: a query issued while a transaction is open waits until it ends. The
 * reader therefore never overlaps a writer, finds no registration, and H = N: everything drawn
 * so far is settled. The proof above holds there unchanged; it just never has to exclude
 * anything.
 *
 * `changes-feed.concurrency.test.ts` checks all this with eight concurrent writers on both
 * databases (half of them without any app-level lock, as hand-written SQL would be), and on
 * PostgreSQL with writers that hold their transactions open for seconds while others commit.
 *
 * The price: each read costs one more query (the sequence and pg_locks, microseconds); a row
 * committed while an older writer is still open is served only once that writer ends, so a
 * long write transaction delays delivery (never other writers); and such a page can be short
 * while rows above H exist (has_more false). The client pulls again on its next change event,
 * and the change hub announces a change only once it is below the horizon
 * (`change-hub.ts`). Call this with a database handle (or a READ COMMITTED transaction): in a
 * REPEATABLE READ transaction the snapshot would predate the horizon.
 *
 * Permissions are a condition in the WHERE clause, before LIMIT, so a batch is short only
 * when nothing more is readable now: RxDB stops pulling on a short batch.
 *
 * A `repositories` filter (a browser keeps only some repositories offline) is one more
 * condition on the rows of the same snapshot S below the same H, so a filtered page is a
 * gap-free prefix of the filtered feed by the argument above. A client adding a repository
 * may therefore drain the feed filtered to it from 0 up to any horizon and then continue the
 * wider feed from its old checkpoint: every row of the new repository at or below the old
 * checkpoint came in the drain, every row above it comes in the wider feed (served twice at
 * worst, which RxDB takes as the same master state).
 */
import type { ChangesResponse, CollectionName, ReplicatedDocByCollection } from '@wikisync/shared';
import type { Queryable } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { readableRepositoryCondition } from '../auth/access.js';
import { versionHorizon } from '../db/version-horizon.js';
import { idList } from '../db/sql-lists.js';
import { COLLECTION_SQL, toReplicatedDoc } from './replicated-rows.js';

export async function readChanges<C extends CollectionName>(
  db: Queryable,
  principal: Principal,
  query: { collection: C; checkpoint: number; limit: number; repositories?: number[] | undefined },
): Promise<ChangesResponse<ReplicatedDocByCollection[C]>> {
  const sql = COLLECTION_SQL[query.collection];
  const visible = readableRepositoryCondition(principal, sql.repositoryColumn, 4);
  // First the horizon, then the rows: the rows' snapshot must be the later one.
  const horizon = await versionHorizon(db);
  const rows = query.repositories
    ? await readSelected(db, principal, query.collection, query.repositories, [
        query.checkpoint,
        query.limit,
        horizon,
      ])
    : await db.query(
        `${sql.select}
          WHERE x.server_version > $1 AND x.server_version < $3 AND ${visible.sql}
          ORDER BY x.server_version
          LIMIT $2`,
        [query.checkpoint, query.limit, horizon, ...visible.params],
      );
  const last = rows.at(-1);
  return {
    documents: rows.map((row) => toReplicatedDoc(query.collection, row)),
    checkpoint: { server_version: last ? Number(last.server_version) : query.checkpoint },
    has_more: rows.length === query.limit,
  };
}

/**
 * The same page limited to some repositories. Walking the server_version index and skipping
 * other repositories' rows would read the whole feed for a small repository; instead each
 * named (and readable) repository walks its own (repository, server_version) index from the
 * checkpoint for at most `limit` versions, the smallest `limit` of those are the page, and only
 * they are read in full. Cost: at most (named repositories × limit) index entries per page.
 * Repositories the caller cannot read are dropped from the list before the walk, so they can
 * neither shorten a page (RxDB stops on a short page) nor show a row.
 */
async function readSelected(
  db: Queryable,
  principal: Principal,
  collection: CollectionName,
  repositories: number[],
  bounds: [number, number, number],
): Promise<Record<string, unknown>[]> {
  const { sql, params } = selectedPageQuery(principal, collection, repositories, bounds);
  return db.query(sql, params);
}

/** The SQL of a filtered page (exported for the feed-scale bench's EXPLAIN). */
export function selectedPageQuery(
  principal: Principal,
  collection: CollectionName,
  repositories: number[],
  [checkpoint, limit, horizon]: [number, number, number],
): { sql: string; params: unknown[] } {
  const column = collection === 'repositories' ? 'id' : 'repository_id';
  const readable = readableRepositoryCondition(principal, 's.id', 5);
  return {
    sql: `WITH picked AS MATERIALIZED (
       SELECT v.server_version FROM ${idList('$4')} s
       CROSS JOIN LATERAL (
         SELECT y.server_version FROM ${collection} y
          WHERE y.${column} = s.id AND y.server_version > $1 AND y.server_version < $3
          ORDER BY y.server_version
          LIMIT $2
       ) v
       WHERE ${readable.sql}
       ORDER BY v.server_version
       LIMIT $2
     )
     ${COLLECTION_SQL[collection].select}
     JOIN picked p ON p.server_version = x.server_version
     ORDER BY x.server_version`,
    params: [checkpoint, limit, horizon, { v: repositories }, ...readable.params],
  };
}
