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
import { LockMode, lockRepositories, repositoryLockSql } from '../db/repository-locks.js';
import { textList } from '../db/sql-lists.js';
import { loadStoredDocs, type StoredDoc } from './replicated-rows.js';

interface Placement {
  /** uid → the repository the row is in now (a repository row: its own id). */
  current: Map<string, number>;
  /** uid → the repository its new state names by `repository_uid` (unknown uids left out). */
  target: Map<string, number>;
  /** `repository_uid` → id, for the repositories the new states name that exist. */
  repositoryIds: Map<string, number>;
}

export interface LockedRows<C extends CollectionName> {
  /** The rows' current state, read under the locks (as `loadStoredDocs`). */
  stored: Map<string, StoredDoc<ReplicatedDocByCollection[C]>>;
  /** `repository_uid` → id of the repositories `docs` name (for `resolveOwners`). */
  repositoryIds: ReadonlyMap<string, number>;
}

/**
 * Both maps in one round trip: the first guess of what to lock. The repositories the rows
 * name are locked shared as they are read (in id order), which is all a push needs when no
 * row changes repository.
 */
async function placementOf(
  tx: Queryable,
  collection: CollectionName,
  uids: readonly string[],
  docs: readonly ReplicatedDoc[],
): Promise<Placement> {
  const column = collection === 'repositories' ? 'x.id' : 'x.repository_id';
  const targetUid = (doc: ReplicatedDoc) => (doc as { repository_uid?: string }).repository_uid;
  const rows = await tx.query<{ kind: 'current' | 'target'; uid: string; repository_id: number }>(
    `SELECT 'current' AS kind, x.uid, ${column} AS repository_id
       FROM ${collection} x JOIN ${textList('$1')} wanted ON wanted.value = x.uid
     UNION ALL
     SELECT 'target', t.uid, t.id
       FROM (SELECT r.uid, r.id, ${repositoryLockSql(LockMode.Shared, 'r.id')} AS locked
               FROM repositories r JOIN ${textList('$2')} wanted ON wanted.value = r.uid
              ORDER BY r.id) t`,
    [{ v: uids }, { v: collection === 'repositories' ? [] : docs.map(targetUid) }],
  );
  const current = new Map<string, number>();
  const repositoryByUid = new Map<string, number>();
  for (const row of rows) {
    (row.kind === 'current' ? current : repositoryByUid).set(row.uid, Number(row.repository_id));
  }
  const target = new Map<string, number>();
  for (const doc of docs) {
    const id = repositoryByUid.get(targetUid(doc) ?? '');
    if (id !== undefined) target.set(doc.uid, id);
  }
  return { current, target, repositoryIds: repositoryByUid };
}

function neededLocks(collection: CollectionName, { current, target }: Placement): Map<number, LockMode> {
  const needed = new Map<number, LockMode>();
  const need = (id: number, mode: LockMode) => {
    if (needed.get(id) !== LockMode.Exclusive) needed.set(id, mode);
  };
  if (collection === 'repositories') {
    for (const id of current.values()) need(id, LockMode.Exclusive);
    return needed;
  }
  for (const uid of new Set([...current.keys(), ...target.keys()])) {
    const from = current.get(uid);
    const to = target.get(uid);
    const moving = from !== undefined && to !== undefined && from !== to;
    for (const id of [from, to])
      if (id !== undefined) need(id, moving ? LockMode.Exclusive : LockMode.Shared);
  }
  return needed;
}

/** The locks of `needed` that `held` does not cover (an exclusive lock covers a shared one). */
function notHeld(needed: Map<number, LockMode>, held: Map<number, LockMode>): Map<number, LockMode> {
  const missing = new Map<number, LockMode>();
  for (const [id, mode] of needed) {
    if (held.get(id) === LockMode.Exclusive || (held.has(id) && mode === LockMode.Shared)) continue;
    missing.set(id, mode);
  }
  return missing;
}

/**
 * Locks what writing `docs` over the rows `uids` needs, then returns those rows' current
 * state, read under the locks, and the repositories the docs name.
 */
export async function lockReplicatedRows<C extends CollectionName>(
  tx: Queryable,
  collection: C,
  uids: readonly string[],
  docs: readonly ReplicatedDoc[],
): Promise<LockedRows<C>> {
  const placement = await placementOf(tx, collection, uids, docs);
  const held = new Map([...placement.target.values()].map((id) => [id, LockMode.Shared as LockMode]));
  let missing = notHeld(neededLocks(collection, placement), held);
  // Until a read under the locks needs no lock not yet held (normally at once).
  for (;;) {
    await lockRepositories(tx, missing);
    for (const [id, mode] of missing) held.set(id, mode);
    const stored = await loadStoredDocs(tx, collection, uids, { lock: true });
    placement.current = new Map([...stored].map(([uid, row]) => [uid, row.repositoryId]));
    missing = notHeld(neededLocks(collection, placement), held);
    if (missing.size === 0) return { stored, repositoryIds: placement.repositoryIds };
  }
}
