// The log of conflict resolutions: who chose what, when, from which base, local and server
// states. Written in the same transaction as the resolution it records.
//
// Bounds, so that any user who can read a row cannot turn the log into free storage:
// entries exist only for rows the caller can read (resolve-conflict.ts answers 404 before
// logging otherwise); `local` is the one state nobody checks (base must equal the server
// row, and server and result are rows), so it may exceed the larger of those rows by at most
// LOCAL_STATE_SLACK_BYTES, which keeps a legitimate large document resolvable; `hunks`
// (base, local, server and decided lines of each colliding place, as unchecked as `local`)
// may take at most HUNK_ROW_COPIES times that row plus the same slack; and every
// write deletes the entries older than CONFLICT_LOG_RETENTION_DAYS, which lists also hide
// until the next write deletes them.
import type {
  CollectionName,
  ConflictListQuery,
  ConflictLogEntry,
  ConflictResolution,
} from '@wikisync/shared';
import type { Queryable } from '../db/database.js';
import { isoTime } from '../db/row.js';
import type { Principal } from '../auth/principal.js';
import { readableRepositoryCondition } from '../auth/access.js';
import { ConflictEntryTooLargeError } from '../errors.js';

/** How much larger than the row's own states the caller's `local` may be. */
export const LOCAL_STATE_SLACK_BYTES = 256 * 1024;
/** Hunks of a whole rewritten text hold its base, local, server and decided lines. */
export const HUNK_ROW_COPIES = 4;

export interface ConflictRecord {
  collection: CollectionName;
  uid: string;
  repositoryId: number | null;
  resolution: ConflictResolution;
  base: unknown;
  local: unknown;
  server: unknown;
  result: unknown;
  /** The colliding line hunks and their decisions. */
  hunks?: unknown;
}

const jsonBytes = (value: unknown) => Buffer.byteLength(jsonOrNull(value) ?? '');

export async function logResolution(
  tx: Queryable,
  principal: Principal,
  record: ConflictRecord,
  retentionDays: number,
): Promise<number> {
  const localBytes = jsonBytes(record.local);
  const rowBytes = Math.max(jsonBytes(record.server), jsonBytes(record.result));
  const limit = LOCAL_STATE_SLACK_BYTES + rowBytes;
  if (localBytes > limit) throw new ConflictEntryTooLargeError(localBytes, limit);
  const hunkBytes = jsonBytes(record.hunks);
  const hunkLimit = LOCAL_STATE_SLACK_BYTES + HUNK_ROW_COPIES * rowBytes;
  if (hunkBytes > hunkLimit) throw new ConflictEntryTooLargeError(hunkBytes, hunkLimit, 'hunks');
  await tx.query(`DELETE FROM sync_conflict_log WHERE resolved_at < ${retentionCutoff('$1')}`, [
    retentionDays,
  ]);
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO sync_conflict_log (user_id, user_name, collection, uid, repository_id, resolution, base, local, server, result, hunks)
     VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb, $9::text::jsonb, $10::text::jsonb, $11::text::jsonb) RETURNING id`,
    [
      principal.userId,
      principal.userName,
      record.collection,
      record.uid,
      record.repositoryId,
      record.resolution,
      jsonOrNull(record.base),
      jsonOrNull(record.local),
      jsonOrNull(record.server),
      jsonOrNull(record.result),
      jsonOrNull(record.hunks),
    ],
  );
  return Number(rows[0]!.id);
}

const retentionCutoff = (days: string) => `now() - ${days}::double precision * interval '1 day'`;

const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** Newest first; a user sees resolutions in repositories they can read, and their own. */
export async function listResolutions(
  db: Queryable,
  principal: Principal,
  query: ConflictListQuery,
  retentionDays: number,
): Promise<ConflictLogEntry[]> {
  const filters: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (param: string) => string, value: unknown) => {
    params.push(value);
    filters.push(sql(`$${params.length}`));
  };
  add((p) => `resolved_at >= ${retentionCutoff(p)}`, retentionDays);
  if (query.collection) add((p) => `collection = ${p}`, query.collection);
  if (query.uid) add((p) => `uid = ${p}`, query.uid);
  if (query.before) add((p) => `id < ${p}`, query.before);
  if (!principal.isAdmin) {
    const visible = readableRepositoryCondition(principal, 'repository_id', params.length + 1);
    params.push(...visible.params);
    filters.push(`(${visible.sql} OR user_id = $${params.length})`);
  }
  params.push(query.limit);
  const rows = await db.query(
    `SELECT id, collection, uid, resolution, user_name, resolved_at, base, local, server, result, hunks
       FROM sync_conflict_log ${filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    collection: row.collection as CollectionName,
    uid: String(row.uid),
    resolution: row.resolution as ConflictResolution,
    user_name: String(row.user_name),
    resolved_at: isoTime(row.resolved_at),
    base: (row.base ?? null) as Record<string, unknown> | null,
    local: (row.local ?? null) as Record<string, unknown> | null,
    server: (row.server ?? null) as Record<string, unknown> | null,
    result: (row.result ?? null) as Record<string, unknown> | null,
    hunks: (row.hunks ?? null) as ConflictLogEntry['hunks'],
  }));
}
