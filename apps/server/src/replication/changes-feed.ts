/**
 * The changes feed of `GET /api/v1/sync/changes`: rows with `server_version` above a
 * checkpoint, oldest first, tombstones included, limited to what the caller may read.
 *
 * Why it never skips a row
 * ------------------------
 * A reader that has served version 42 asks next for `server_version > 42`. That is only
 * safe if no row with a version ≤ 42 can become visible afterwards. Sequences alone do not
 * give this: a transaction can draw 41, stall, and commit after another has drawn and
 * committed 42.
 *
 * Versions are therefore assigned under one transaction-scoped advisory lock
 * (`WRITE_LOCK_KEY`, taken by `writeTransaction` up front and again by the stamping
 * trigger of migration 001). Postgres releases transaction locks only after the commit is
 * visible to new snapshots, so a writer draws its first version only once every earlier
 * writer has committed or rolled back. Hence, for any two committed versions a < b, the
 * transaction that wrote a became visible no later than the one that wrote b. A single
 * SELECT runs on one snapshot; if that snapshot sees version b it also sees every a < b,
 * and a version drawn after the snapshot is larger than anything it saw. So a batch is a
 * gap-free prefix of everything that will ever be committed above the checkpoint (gaps in
 * the numbers are rolled-back draws, which never appear), and the next batch continues
 * exactly where this one ended. `changes-feed.concurrency.test.ts` checks this with eight
 * concurrent writers on both databases.
 *
 * The price is that writers of replicated tables are serialised; the alternative (serving
 * only versions below the oldest in-flight transaction) costs a scan of in-flight xids on
 * every read and does not work the same way on PGlite.
 *
 * Permissions are a condition in the WHERE clause, before LIMIT, so a batch is short only
 * when nothing more is readable: RxDB stops pulling on a short batch.
 */
import type { ChangesResponse, CollectionName, ReplicatedDocByCollection } from '@wikisync/shared';
import type { Queryable } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { readableRepositoryCondition } from '../auth/access.js';
import { COLLECTION_SQL, toReplicatedDoc } from './replicated-rows.js';

export async function readChanges<C extends CollectionName>(
  db: Queryable,
  principal: Principal,
  query: { collection: C; checkpoint: number; limit: number },
): Promise<ChangesResponse<ReplicatedDocByCollection[C]>> {
  const sql = COLLECTION_SQL[query.collection];
  const visible = readableRepositoryCondition(principal, sql.repositoryColumn, 3);
  const rows = await db.query(
    `${sql.select}
      WHERE x.server_version > $1 AND ${visible.sql}
      ORDER BY x.server_version
      LIMIT $2`,
    [query.checkpoint, query.limit, ...visible.params],
  );
  const last = rows.at(-1);
  return {
    documents: rows.map((row) => toReplicatedDoc(query.collection, row)),
    checkpoint: { server_version: last ? Number(last.server_version) : query.checkpoint },
    has_more: rows.length === query.limit,
  };
}
