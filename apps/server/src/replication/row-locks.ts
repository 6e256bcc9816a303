// Locks for a replicated write (push, resolve-conflict), taken before compare-and-set reads
// the rows: their repositories (db/repository-locks.ts says which mode and why), then the
// rows themselves, so that "the server row still equals assumed_master_state" is true of the
// row being overwritten and not of one a concurrent push has replaced meanwhile.
//
// A row that stays in its repository needs that repository shared: pushes into one
// repository run side by side, each holding only its own rows. A row changing repository,
// and a repository row itself (a rename, or a tombstone whose cascade rewrites the contents),
// needs its repositories exclusively, because concurrent writers check references against
// which repository a row is in. Which repository a row is in can change between the first
// look and the locks, so the rows are read again under their locks, and a lock missing by then
// is taken too. A row another push inserts at the same time is not lockable before it
// commits: the second insert fails with a unique violation, and `writeTransaction` runs the
// push again, which then finds the row.
import type { CollectionName, ReplicatedDoc, ReplicatedDocByCollection } from '@wikisync/shared';
import type { Queryable } from '../db/database.js';
import { LockMode, lockRepositories } from '../db/repository-locks.js';
import { textList } from '../db/sql-lists.js';
import { loadStoredDocs, type StoredDoc } from './replicated-rows.js';

/** uid → id of the repository a row is in (for a repository row: its own id). */
async function repositoriesOfRows(
  tx: Queryable,
  collection: CollectionName,
  uids: readonly string[],
  lock: boolean,
): Promise<Map<string, number>> {
  const column = collection === 'repositories' ? 'x.id' : 'x.repository_id';
  // ORDER BY uid: two pushes lock their common rows in the same order.
  const rows = await tx.query<{ uid: string; repository_id: number }>(
    `SELECT x.uid, ${column} AS repository_id
       FROM ${collection} x JOIN ${textList('$1')} wanted ON wanted.value = x.uid
      ORDER BY x.uid ${lock ? 'FOR UPDATE OF x' : ''}`,
    [{ v: uids }],
  );
  return new Map(rows.map((row) => [row.uid, Number(row.repository_id)]));
}

/** The repositories a row wants to be in, by `repository_uid` (unknown uids are left out). */
async function targetRepositories(
  tx: Queryable,
  collection: CollectionName,
  docs: readonly ReplicatedDoc[],
): Promise<Map<string, number>> {
  if (collection === 'repositories') return new Map();
  const uids = [...new Set(docs.map((doc) => (doc as { repository_uid: string }).repository_uid))];
  const rows = await tx.query<{ uid: string; id: number }>(
    `SELECT r.uid, r.id FROM repositories r JOIN ${textList('$1')} wanted ON wanted.value = r.uid`,
    [{ v: uids }],
  );
  const byUid = new Map(rows.map((row) => [row.uid, Number(row.id)]));
  const targets = new Map<string, number>();
  for (const doc of docs) {
    const id = byUid.get((doc as { repository_uid: string }).repository_uid);
    if (id !== undefined) targets.set(doc.uid, id);
  }
  return targets;
}

function neededLocks(
  collection: CollectionName,
  current: Map<string, number>,
  targets: Map<string, number>,
): Map<number, LockMode> {
  const needed = new Map<number, LockMode>();
  const need = (id: number, mode: LockMode) => {
    if (needed.get(id) !== LockMode.Exclusive) needed.set(id, mode);
  };
  if (collection === 'repositories') {
    for (const id of current.values()) need(id, LockMode.Exclusive);
    return needed;
  }
  for (const uid of new Set([...current.keys(), ...targets.keys()])) {
    const from = current.get(uid);
    const to = targets.get(uid);
    const moving = from !== undefined && to !== undefined && from !== to;
    for (const id of [from, to])
      if (id !== undefined) need(id, moving ? LockMode.Exclusive : LockMode.Shared);
  }
  return needed;
}

/**
 * Locks what writing `docs` over the rows `uids` needs, then returns those rows' current
 * state (as `loadStoredDocs`), read under the locks.
 */
export async function lockReplicatedRows<C extends CollectionName>(
  tx: Queryable,
  collection: C,
  uids: readonly string[],
  docs: readonly ReplicatedDoc[],
): Promise<Map<string, StoredDoc<ReplicatedDocByCollection[C]>>> {
  const targets = await targetRepositories(tx, collection, docs);
  const held = new Map<number, LockMode>();
  let current = await repositoriesOfRows(tx, collection, uids, false);
  let underLock = false;
  // Until a read under the locks needs no lock not yet held (normally the second round).
  for (;;) {
    const missing = new Map<number, LockMode>();
    for (const [id, mode] of neededLocks(collection, current, targets)) {
      if (held.get(id) === LockMode.Exclusive || (held.has(id) && mode === LockMode.Shared)) continue;
      missing.set(id, mode);
    }
    if (missing.size === 0 && underLock) break;
    await lockRepositories(tx, missing);
    for (const [id, mode] of missing) held.set(id, mode);
    current = await repositoriesOfRows(tx, collection, uids, true);
    underLock = true;
  }
  return loadStoredDocs(tx, collection, uids);
}
