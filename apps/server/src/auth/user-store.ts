// Users, tokens and per-repository grants. The SQL for identity and access lives here.
import { ERROR_REASONS } from '@wikisync/shared';
import { type Database, type Queryable, writeTransaction } from '../db/database.js';
import { lockRepository } from '../db/repository-locks.js';
import { isoTime, isoTimeOrNull } from '../db/row.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { Access, Principal } from './principal.js';
import { generateToken, hashToken } from './tokens.js';

export const BOOTSTRAP_ADMIN_NAME = 'admin';

export interface User {
  id: number;
  name: string;
  is_admin: boolean;
  created_at: string;
}

export async function findPrincipalByToken(db: Queryable, token: string): Promise<Principal | null> {
  const rows = await db.query<{ token_id: number; user_id: number; name: string; is_admin: boolean }>(
    `SELECT t.id AS token_id, u.id AS user_id, u.name, u.is_admin
       FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
        AND u.disabled_at IS NULL`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) return null;
  return { userId: row.user_id, userName: row.name, isAdmin: row.is_admin, tokenId: row.token_id };
}

/** The user the bootstrap ADMIN_TOKEN acts as, so its actions have an author in logs. */
export async function ensureBootstrapAdmin(db: Queryable): Promise<Principal> {
  const rows = await db.query<{ id: number }>(
    `INSERT INTO users (name, is_admin) VALUES ($1, true)
     ON CONFLICT (name) DO UPDATE SET is_admin = true RETURNING id`,
    [BOOTSTRAP_ADMIN_NAME],
  );
  return { userId: rows[0]!.id, userName: BOOTSTRAP_ADMIN_NAME, isAdmin: true, tokenId: null };
}

export async function createUser(db: Queryable, name: string, isAdmin = false): Promise<User> {
  const existing = await db.query('SELECT 1 FROM users WHERE name = $1', [name]);
  if (existing.length > 0)
    throw new BadRequestError(`A user named "${name}" already exists; pick another name.`, {
      reason: ERROR_REASONS.userExists,
      params: { name },
    });
  const rows = await db.query<User & { created_at: Date }>(
    'INSERT INTO users (name, is_admin) VALUES ($1, $2) RETURNING id, name, is_admin, created_at',
    [name, isAdmin],
  );
  const row = rows[0]!;
  return { ...row, created_at: isoTime(row.created_at) };
}

export async function findUser(db: Queryable, name: string): Promise<User> {
  const rows = await db.query<User>('SELECT id, name, is_admin, created_at FROM users WHERE name = $1', [
    name,
  ]);
  const row = rows[0];
  if (!row) throw new NotFoundError(`User "${name}"`);
  return { ...row, created_at: isoTime(row.created_at) };
}

export interface CreatedToken {
  id: number;
  token: string;
  expires_at: string | null;
}

export async function createToken(
  db: Queryable,
  userId: number,
  options: { name?: string; expiresAt?: Date | null } = {},
): Promise<CreatedToken> {
  const token = generateToken();
  const rows = await db.query<{ id: number; expires_at: Date | null }>(
    `INSERT INTO api_tokens (user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4)
     RETURNING id, expires_at`,
    [userId, options.name ?? '', hashToken(token), options.expiresAt ?? null],
  );
  const row = rows[0]!;
  return { id: row.id, token, expires_at: isoTimeOrNull(row.expires_at) };
}

export async function revokeToken(db: Queryable, tokenId: number): Promise<void> {
  const rows = await db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 RETURNING id', [
    tokenId,
  ]);
  if (rows.length === 0) throw new NotFoundError(`Token ${tokenId}`);
}

export async function grantAccess(
  db: Database,
  userId: number,
  repositoryId: number,
  access: Access,
): Promise<void> {
  await writeTransaction(db, async (tx) => {
    await lockRepository(tx, repositoryId);
    const repo = await tx.query('SELECT 1 FROM repositories WHERE id = $1 AND NOT deleted', [repositoryId]);
    if (repo.length === 0) throw new NotFoundError(`Repository ${repositoryId}`);
    const existing = await tx.query(
      'SELECT 1 FROM repository_grants WHERE user_id = $1 AND repository_id = $2',
      [userId, repositoryId],
    );
    await tx.query(
      `INSERT INTO repository_grants (user_id, repository_id, access) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, repository_id) DO UPDATE SET access = EXCLUDED.access`,
      [userId, repositoryId, access],
    );
    if (existing.length === 0) await restampRepository(tx, repositoryId);
  });
}

/**
 * A user granted a repository must receive all of its rows, also those older than the
 * checkpoint their replica already holds: the changes feed serves only rows newer than the
 * checkpoint. So the repository's rows (tombstones too, for a replica that held them before
 * an earlier revocation) get new versions from the stamping trigger, their contents
 * unchanged. Every reader of the repository pulls them once more and finds nothing new; the
 * next instance-sync push of the repository sends them again and the receiver reports them
 * unchanged. That is the price of a grant, paid once, instead of a row never delivered.
 */
async function restampRepository(tx: Queryable, repositoryId: number): Promise<void> {
  // The trigger overrides the value set here with the next server_version.
  await tx.query('UPDATE repositories SET server_version = server_version WHERE id = $1', [repositoryId]);
  await tx.query('UPDATE tasks SET server_version = server_version WHERE repository_id = $1', [repositoryId]);
  await tx.query('UPDATE documents SET server_version = server_version WHERE repository_id = $1', [
    repositoryId,
  ]);
}

export async function revokeAccess(db: Queryable, userId: number, repositoryId: number): Promise<void> {
  await db.query('DELETE FROM repository_grants WHERE user_id = $1 AND repository_id = $2', [
    userId,
    repositoryId,
  ]);
}
