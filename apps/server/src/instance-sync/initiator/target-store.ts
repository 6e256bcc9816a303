// Saved targets: the allowlist of base URLs this server may call. Tokens and signing secrets
// are sealed with the secret box and never listed or logged.
import type { SyncTarget } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { isoTime } from '../../db/row.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { SecretBox } from '../peer-auth/secret-box.js';

export interface TargetWithSecrets {
  id: number;
  url: string;
  token: string | null;
  signingSecret: string | null;
}

function toTarget(row: Record<string, unknown>): SyncTarget {
  return {
    id: Number(row.id),
    url: String(row.url),
    name: String(row.name),
    has_token: row.token_enc !== null,
    has_signing_secret: row.signing_secret_enc !== null,
    instance_uid: row.instance_uid === null ? null : String(row.instance_uid),
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
  };
}

export async function listTargets(db: Queryable): Promise<SyncTarget[]> {
  return (await db.query('SELECT * FROM sync_targets ORDER BY url')).map(toTarget);
}

/** Saves (or replaces the secrets of) a target; `null` secrets are removed, `undefined` kept. */
export async function saveTarget(
  db: Queryable,
  box: SecretBox,
  input: {
    url: string;
    name?: string | undefined;
    token?: string | null | undefined;
    signing_secret?: string | null | undefined;
  },
): Promise<SyncTarget> {
  const seal = (value: string | null | undefined) =>
    value === undefined ? undefined : value === null ? null : box.seal(value);
  const token = seal(input.token);
  const secret = seal(input.signing_secret);
  const rows = await db.query(
    `INSERT INTO sync_targets (url, name, token_enc, signing_secret_enc) VALUES ($1, $2, $3, $4)
     ON CONFLICT (url) DO UPDATE SET
       name = CASE WHEN $5 THEN EXCLUDED.name ELSE sync_targets.name END,
       token_enc = CASE WHEN $6 THEN EXCLUDED.token_enc ELSE sync_targets.token_enc END,
       signing_secret_enc = CASE WHEN $7 THEN EXCLUDED.signing_secret_enc ELSE sync_targets.signing_secret_enc END,
       updated_at = now()
     RETURNING *`,
    [
      input.url,
      input.name ?? '',
      token ?? null,
      secret ?? null,
      input.name !== undefined,
      token !== undefined,
      secret !== undefined,
    ],
  );
  return toTarget(rows[0]!);
}

export async function deleteTarget(db: Queryable, id: number): Promise<void> {
  const rows = await db.query('DELETE FROM sync_targets WHERE id = $1 RETURNING id', [id]);
  if (rows.length === 0) throw new NotFoundError(`Target ${id}`);
}

async function withSecrets(
  box: SecretBox,
  row: Record<string, unknown> | undefined,
): Promise<TargetWithSecrets | null> {
  if (!row) return null;
  return {
    id: Number(row.id),
    url: String(row.url),
    token: row.token_enc === null ? null : box.open(String(row.token_enc)),
    signingSecret: row.signing_secret_enc === null ? null : box.open(String(row.signing_secret_enc)),
  };
}

async function findTarget(db: Queryable, box: SecretBox, column: 'url' | 'id', value: string | number) {
  return withSecrets(box, (await db.query(`SELECT * FROM sync_targets WHERE ${column} = $1`, [value]))[0]);
}

/** The saved target for a URL; refusing unsaved URLs is what makes the list an allowlist. */
export async function requireTargetByUrl(
  db: Queryable,
  box: SecretBox,
  url: string,
): Promise<TargetWithSecrets> {
  const target = await findTarget(db, box, 'url', url);
  if (!target) {
    throw new ForbiddenError(
      `${url} is not a saved target; save it first (POST /api/sync/target-save or \`wikisync sync target save\`).`,
    );
  }
  return target;
}

export async function requireTargetById(
  db: Queryable,
  box: SecretBox,
  id: number,
): Promise<TargetWithSecrets> {
  const target = await findTarget(db, box, 'id', id);
  if (!target) throw new NotFoundError(`Target ${id}`);
  return target;
}

export async function rememberInstanceUid(
  db: Queryable,
  targetId: number,
  uid: string | undefined,
): Promise<void> {
  if (!uid) return;
  await db.query(
    'UPDATE sync_targets SET instance_uid = $2 WHERE id = $1 AND instance_uid IS DISTINCT FROM $2',
    [targetId, uid],
  );
}
