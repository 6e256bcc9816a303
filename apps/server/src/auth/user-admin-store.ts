// What the admin page lists and changes: users (admin, disabled, password), every token, and
// every grant. Creating users and tokens and granting are in user-store.ts, shared with the CLI.
import type { AdminGrant, AdminToken, AdminUser } from '@wikisync/shared';
import type { Database, Queryable } from '../db/database.js';
import { isoTime, isoTimeOrNull } from '../db/row.js';
import { NotFoundError } from '../errors.js';
import { setPassword } from './sessions.js';

export async function listUsers(db: Queryable): Promise<AdminUser[]> {
  const rows = await db.query<{
    id: number;
    name: string;
    is_admin: boolean;
    disabled_at: Date | null;
    has_password: boolean;
    created_at: Date;
  }>(
    `SELECT id, name, is_admin, disabled_at, password_hash IS NOT NULL AS has_password, created_at
       FROM users ORDER BY name`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    name: row.name,
    is_admin: row.is_admin,
    disabled: row.disabled_at !== null,
    has_password: row.has_password,
    created_at: isoTime(row.created_at),
  }));
}

export async function updateUser(
  db: Database,
  userId: number,
  patch: { is_admin?: boolean; disabled?: boolean; password?: string },
): Promise<AdminUser> {
  await db.transaction(async (tx) => {
    const [found] = await tx.query('SELECT 1 FROM users WHERE id = $1', [userId]);
    if (!found) throw new NotFoundError(`User ${userId}`);
    if (patch.is_admin !== undefined)
      await tx.query('UPDATE users SET is_admin = $2 WHERE id = $1', [userId, patch.is_admin]);
    if (patch.disabled !== undefined)
      await tx.query(
        'UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) ELSE NULL END WHERE id = $1',
        [userId, patch.disabled],
      );
    if (patch.password !== undefined) await setPassword(tx, userId, patch.password);
  });
  return (await listUsers(db)).find((each) => each.id === userId)!;
}

export async function listTokens(db: Queryable): Promise<AdminToken[]> {
  const rows = await db.query<{
    id: number;
    user_id: number;
    user_name: string;
    name: string;
    kind: 'api' | 'session';
    created_at: Date;
    expires_at: Date | null;
    revoked_at: Date | null;
  }>(
    `SELECT t.id, t.user_id, u.name AS user_name, t.name, t.kind, t.created_at, t.expires_at, t.revoked_at
       FROM api_tokens t JOIN users u ON u.id = t.user_id
      ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC
      LIMIT 1000`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    user_id: Number(row.user_id),
    user_name: row.user_name,
    name: row.name,
    kind: row.kind,
    created_at: isoTime(row.created_at),
    expires_at: isoTimeOrNull(row.expires_at),
    revoked_at: isoTimeOrNull(row.revoked_at),
  }));
}

export async function listGrants(db: Queryable): Promise<AdminGrant[]> {
  const rows = await db.query<{
    user_id: number;
    user_name: string;
    repository_id: number;
    repository_name: string;
    access: 'read' | 'write';
  }>(
    `SELECT g.user_id, u.name AS user_name, g.repository_id, r.name AS repository_name, g.access
       FROM repository_grants g
       JOIN users u ON u.id = g.user_id
       JOIN repositories r ON r.id = g.repository_id AND NOT r.deleted
      ORDER BY u.name, r.name`,
  );
  return rows.map((row) => ({
    ...row,
    user_id: Number(row.user_id),
    repository_id: Number(row.repository_id),
  }));
}
