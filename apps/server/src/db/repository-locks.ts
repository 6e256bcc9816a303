// Repository locks: what writers still serialise once the changes feed no longer needs them
// to (see migration 007).
//
// The feed's order is kept by the stamping trigger alone. What a lock still protects is a
// writer's decisions: a check made on one row (is the task's document live? is the task in
// the document's repository? is the repository tombstoned?) must still hold when another row
// is written on the strength of it. Those checks all stay inside one repository, because a
// row's references may only name rows of its own repository, so one lock per repository
// covers them:
//
//   exclusive   a writer that reads other rows of the repository to decide what to write, or
//               changes which repository a row belongs to, or writes many of its rows at
//               once: REST writes, instance-sync receives, tombstone cascades, grants
//               (re-stamp), replicated rows moving between repositories, repository rows;
//   shared      replicated writes of single rows (push, resolve-conflict): each compares and
//               sets its own rows under a row lock, so many may write one repository at once,
//               and none of them decides on another row that an exclusive writer could change.
//
// Locks are transaction-scoped advisory locks in the two-integer form (class, repository id),
// taken in id order before any row lock, so lock-takers never wait for one another in a
// circle; a deadlock with a row lock taken elsewhere is detected by PostgreSQL and retried by
// `writeTransaction`. An id beyond 2^31 shares its lock with a smaller one, which costs only
// some waiting.
import type { Queryable } from './database.js';

const REPOSITORY_LOCK_CLASS = 7_319_002;

export const LockMode = { Shared: 'shared', Exclusive: 'exclusive' } as const;
export type LockMode = (typeof LockMode)[keyof typeof LockMode];

/**
 * The SQL call that takes one repository lock, for statements that lock as they read (the
 * caller sorts by id: in a target list with ORDER BY, a volatile call runs after the sort).
 */
export function repositoryLockSql(mode: LockMode, idSql: string): string {
  const fn = mode === LockMode.Exclusive ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
  return `${fn}(${REPOSITORY_LOCK_CLASS}, ((${idSql})::bigint % 2147483647)::int4)`;
}

/** Takes the locks of `modes` (repository id → mode) in id order. */
export async function lockRepositories(tx: Queryable, modes: ReadonlyMap<number, LockMode>): Promise<void> {
  for (const id of [...modes.keys()].sort((a, b) => a - b)) {
    await tx.query(`SELECT ${repositoryLockSql(modes.get(id)!, '$1')}`, [id]);
  }
}

/** The repository to itself, until the transaction ends. */
export async function lockRepository(tx: Queryable, repositoryId: number): Promise<void> {
  await lockRepositories(tx, new Map([[repositoryId, LockMode.Exclusive]]));
}

/**
 * Locks the repository of a task or document exclusively and returns its id (undefined when
 * there is no such row). Read again under the lock: a row moved to another repository while
 * this one waited is followed there.
 */
export async function lockRepositoryOf(
  tx: Queryable,
  table: 'tasks' | 'documents',
  id: number,
): Promise<number | undefined> {
  let locked: number | undefined;
  for (;;) {
    const [row] = await tx.query<{ repository_id: number }>(
      `SELECT repository_id FROM ${table} WHERE id = $1`,
      [id],
    );
    const repositoryId = row ? Number(row.repository_id) : undefined;
    if (repositoryId === undefined || repositoryId === locked) return repositoryId;
    await lockRepository(tx, repositoryId);
    locked = repositoryId;
  }
}
