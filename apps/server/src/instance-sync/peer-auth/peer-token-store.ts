// Tokens other servers present on /api/sync, each scoped to directions (receive, export,
// initiate) and optionally to repositories. Stored as SHA-256 hashes; a token's signing
// secret (when set, every request with that token must be signed) is sealed, not hashed,
// because checking an HMAC needs the secret itself.
import { ERROR_REASONS, SYNC_SCOPES, type SyncScope } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { isoTime, isoTimeOrNull } from '../../db/row.js';
import { generateToken, hashToken } from '../../auth/tokens.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import type { SecretBox } from './secret-box.js';

export interface PeerToken {
  id: number;
  name: string;
  scopes: SyncScope[];
  repository_ids: number[] | null;
  has_signing_secret: boolean;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface PeerTokenMatch {
  id: number;
  name: string;
  scopes: SyncScope[];
  repositoryIds: number[] | null;
  signingSecret: string | null;
}

export function parseScopes(value: string): SyncScope[] {
  const scopes = value
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  const wrong = scopes.filter((scope) => !(SYNC_SCOPES as readonly string[]).includes(scope));
  if (scopes.length === 0 || wrong.length > 0) {
    throw new BadRequestError(
      `Scopes must be a comma-separated list of ${SYNC_SCOPES.join(', ')} (got "${value}").`,
      { reason: ERROR_REASONS.scopesInvalid, params: { value, allowed: SYNC_SCOPES.join(', ') } },
    );
  }
  return [...new Set(scopes)] as SyncScope[];
}

const TOKEN_COLUMNS =
  'id, name, to_jsonb(scopes) AS scopes, to_jsonb(repository_ids) AS repository_ids, signing_secret_enc, created_at, last_used_at, revoked_at';

function toPeerToken(row: Record<string, unknown>): PeerToken {
  return {
    id: Number(row.id),
    name: String(row.name),
    scopes: row.scopes as SyncScope[],
    repository_ids: row.repository_ids ? (row.repository_ids as unknown[]).map(Number) : null,
    has_signing_secret: row.signing_secret_enc !== null,
    created_at: isoTime(row.created_at),
    last_used_at: isoTimeOrNull(row.last_used_at),
    revoked_at: isoTimeOrNull(row.revoked_at),
  };
}

export async function createPeerToken(
  db: Queryable,
  box: SecretBox,
  input: { name: string; scopes: SyncScope[]; repositoryIds: number[] | null; signingSecret: string | null },
): Promise<{ token: string; peerToken: PeerToken }> {
  const token = generateToken();
  // Arrays travel as JSON inside an object: both drivers pass objects as JSON unchanged.
  const rows = await db.query(
    `INSERT INTO sync_peer_tokens (name, token_hash, scopes, repository_ids, signing_secret_enc)
     VALUES ($1, $2, ARRAY(SELECT jsonb_array_elements_text($3::jsonb->'v')),
             CASE WHEN $4::jsonb->'v' = 'null' THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text($4::jsonb->'v')::bigint) END,
             $5)
     RETURNING ${TOKEN_COLUMNS}`,
    [
      input.name,
      hashToken(token),
      { v: input.scopes },
      { v: input.repositoryIds },
      input.signingSecret === null ? null : box.seal(input.signingSecret),
    ],
  );
  return { token, peerToken: toPeerToken(rows[0]!) };
}

export async function listPeerTokens(db: Queryable): Promise<PeerToken[]> {
  const rows = await db.query(`SELECT ${TOKEN_COLUMNS} FROM sync_peer_tokens ORDER BY id`);
  return rows.map(toPeerToken);
}

export async function revokePeerToken(db: Queryable, id: number): Promise<void> {
  const rows = await db.query(
    'UPDATE sync_peer_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
    [id],
  );
  if (rows.length === 0) throw new NotFoundError(`Peer token ${id}`);
}

export async function findPeerToken(
  db: Queryable,
  box: SecretBox,
  token: string,
): Promise<PeerTokenMatch | null> {
  const rows = await db.query(
    `SELECT ${TOKEN_COLUMNS} FROM sync_peer_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
    [hashToken(token)],
  );
  // A busy peer sends thousands of requests; "last used" to the minute is what an operator needs.
  if (
    rows[0] &&
    (rows[0].last_used_at === null || Date.now() - new Date(String(rows[0].last_used_at)).getTime() > 60_000)
  ) {
    await db.query('UPDATE sync_peer_tokens SET last_used_at = now() WHERE id = $1', [rows[0].id]);
  }
  const row = rows[0];
  if (!row) return null;
  const peerToken = toPeerToken(row);
  return {
    id: peerToken.id,
    name: peerToken.name,
    scopes: peerToken.scopes,
    repositoryIds: peerToken.repository_ids,
    signingSecret: row.signing_secret_enc === null ? null : box.open(String(row.signing_secret_enc)),
  };
}
