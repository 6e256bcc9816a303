// Password sign-in. A correct name and password start a session: an api_tokens row of kind
// 'session' that expires after SESSION_DAYS and that sign-out revokes, so the browser holds a
// token like any other client and every route authenticates it the same way. Failed attempts
// are limited by the route (per account and per address), not here.
import type { Queryable } from '../db/database.js';
import { isoTime } from '../db/row.js';
import type { SignedInUser } from '@wikisync/shared';
import { hashPassword, verifyPassword } from './passwords.js';
import { generateToken, hashToken } from './tokens.js';
import { ensureBootstrapAdmin } from './user-store.js';

export const SESSION_DAYS = 7;

export type SignInOutcome = { ok: true; user: SignedInUser } | { ok: false; reason: 'wrong' | 'disabled' };

/** Checks a name and password; a disabled account is told apart only after a right password. */
export async function checkPassword(db: Queryable, name: string, password: string): Promise<SignInOutcome> {
  const [row] = await db.query<{
    id: number;
    name: string;
    is_admin: boolean;
    password_hash: string | null;
    disabled_at: Date | null;
  }>('SELECT id, name, is_admin, password_hash, disabled_at FROM users WHERE name = $1', [name]);
  // An account without a password is checked against a decoy, so it cannot be told from none.
  if (!(await verifyPassword(password, row?.password_hash ?? null)) || !row)
    return { ok: false, reason: 'wrong' };
  if (row.disabled_at) return { ok: false, reason: 'disabled' };
  return { ok: true, user: { id: Number(row.id), name: row.name, is_admin: row.is_admin } };
}

export async function startSession(
  db: Queryable,
  userId: number,
): Promise<{ token: string; expires_at: string }> {
  const token = generateToken();
  const [row] = await db.query<{ expires_at: Date }>(
    `INSERT INTO api_tokens (user_id, name, token_hash, expires_at, kind)
     VALUES ($1, 'sign-in', $2, now() + make_interval(days => $3), 'session') RETURNING expires_at`,
    [userId, hashToken(token), SESSION_DAYS],
  );
  return { token, expires_at: isoTime(row!.expires_at) };
}

/** Revokes the session behind `tokenId`; an API token is left alone (scripts keep theirs). */
export async function endSession(db: Queryable, tokenId: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND kind = 'session' AND revoked_at IS NULL RETURNING id`,
    [tokenId],
  );
  return rows.length > 0;
}

export async function setPassword(db: Queryable, userId: number, password: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, await hashPassword(password)]);
  // A new password ends every session started with the old one.
  await db.query(
    `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL`,
    [userId],
  );
}

/**
 * ADMIN_PASSWORD: user "admin" (created if missing, always an admin) signs in with it. Set only
 * when it differs from the stored one, since a new password ends the sessions of the old.
 */
export async function applyAdminPassword(db: Queryable, password: string): Promise<void> {
  const principal = await ensureBootstrapAdmin(db);
  const [row] = await db.query<{ password_hash: string | null }>(
    'SELECT password_hash FROM users WHERE id = $1',
    [principal.userId],
  );
  if (row?.password_hash && (await verifyPassword(password, row.password_hash))) return;
  await setPassword(db, principal.userId, password);
}
