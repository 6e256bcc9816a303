// Who may read and write which repository. Admins may do everything; everybody else needs
// a grant. Unreadable rows are invisible (404 / left out of lists), not errors.
import type { Queryable } from '../db/database.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { Access, Principal } from './principal.js';

export async function repositoryAccess(
  db: Queryable,
  principal: Principal,
  repositoryId: number,
): Promise<Access | null> {
  if (principal.isAdmin) return 'write';
  const rows = await db.query<{ access: Access }>(
    'SELECT access FROM repository_grants WHERE user_id = $1 AND repository_id = $2',
    [principal.userId, repositoryId],
  );
  return rows[0]?.access ?? null;
}

/** Throws NotFound unless the principal may read the repository. */
export async function requireRead(db: Queryable, principal: Principal, repositoryId: number): Promise<void> {
  if ((await repositoryAccess(db, principal, repositoryId)) === null) {
    throw new NotFoundError(`Repository ${repositoryId}`);
  }
}

/**
 * Throws Forbidden unless the principal may write the repository; NotFound (naming `hidden`,
 * the row the caller asked for) when they cannot even read it, exactly as a read would, so
 * that a write never confirms that an invisible row exists.
 */
export async function requireWrite(
  db: Queryable,
  principal: Principal,
  repositoryId: number,
  hidden = `Repository ${repositoryId}`,
): Promise<void> {
  const access = await repositoryAccess(db, principal, repositoryId);
  if (access === null) throw new NotFoundError(hidden);
  if (access !== 'write') {
    throw new ForbiddenError(
      `You may not change repository ${repositoryId}; ask an administrator for write access to it.`,
    );
  }
}

/**
 * A SQL condition limiting `column` (a repository id) to what the principal can read.
 * It goes in the WHERE clause, before any LIMIT, so pages are never short because of
 * rows filtered out afterwards. `param` is the placeholder number for the user id.
 */
export function readableRepositoryCondition(
  principal: Principal,
  column: string,
  param: number,
): { sql: string; params: unknown[] } {
  if (principal.isAdmin) return { sql: 'true', params: [] };
  return {
    sql: `${column} IN (SELECT repository_id FROM repository_grants WHERE user_id = $${param})`,
    params: [principal.userId],
  };
}
