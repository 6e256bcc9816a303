// Sessions in the database, so that progress, history and outcomes survive a restart and can
// be read by any server process sharing the database. A session's per-row outcomes are its
// items (session-items.ts).
import {
  ERROR_REASONS,
  type InstanceSyncStatus,
  type SyncDirection,
  type SyncSession,
  type SyncSessionListQuery,
} from '@wikisync/shared';
import { EventEmitter } from 'node:events';
import { idList } from '../../db/sql-lists.js';
import type { Database, Queryable } from '../../db/database.js';
import { isoTime, isoTimeOrNull } from '../../db/row.js';
import { randomUid } from '../../db/uid.js';
import { ConflictError, NotFoundError } from '../../errors.js';

/**
 * Every end this process writes to a session, as the row it wrote, by session id: the status
 * stream of a session run here sends it without reading it back (routes/status-stream.ts); its
 * steps before the end come from the runner's ticks (progress-tracker.ts). Sessions run by
 * other processes are read from the database.
 */
export const sessionWrites = new EventEmitter().setMaxListeners(0);

function announce(rows: readonly Record<string, unknown>[]): void {
  for (const row of rows) sessionWrites.emit(String(row.id), toSession(row));
}

/**
 * A CTE that lets the statement's commit return without waiting for the WAL flush. Progress is
 * written four times a second while a push writes megabytes: a commit that waited behind that
 * flush took up to 1.3 s under load, and the status stood still for it. What it risks is the
 * last fraction of a second of progress on a database crash, which ends the session anyway;
 * the session's end is written with a durable commit, which flushes everything before it.
 * One statement (not `SET`), so it holds behind a pooler in transaction mode too.
 */
export const RELAXED_COMMIT = `relaxed_commit AS (SELECT set_config('synchronous_commit', 'off', true))`;

/** Serialises "is a run of this repository with this peer going on?" across processes. */
const SESSION_START_LOCK = 7_319_003;

export interface NewSession {
  kind: 'manual' | 'scheduled';
  direction: SyncDirection;
  targetId: number;
  peer: string;
  repositoryId: number | null;
  remoteRepositoryId: number | null;
  repositoryName: string;
  documentIds: number[] | null;
  clear: boolean;
  startedBy: string;
  totalTasks: number;
}

/** Creates an in_progress session, refusing while another runs for the same repository and peer. */
export async function createSession(db: Database, input: NewSession): Promise<string> {
  return db.transaction(async (tx) => {
    const repositoryColumn = input.direction === 'push' ? 'repository_id' : 'remote_repository_id';
    const repositoryValue = input.direction === 'push' ? input.repositoryId : input.remoteRepositoryId;
    // The lock goes out with the read, which the database runs once the lock is granted.
    const [, running] = await Promise.all([
      tx.query('SELECT pg_advisory_xact_lock($1)', [SESSION_START_LOCK]),
      tx.query<{ id: string }>(
        `SELECT id FROM sync_sessions WHERE status = 'in_progress' AND target_id = $1 AND direction = $2 AND ${repositoryColumn} = $3`,
        [input.targetId, input.direction, repositoryValue],
      ),
    ]);
    if (running[0]) {
      throw new ConflictError(
        `A ${input.direction} of repository ${repositoryValue} with ${input.peer} is already running (session ${running[0].id}); wait for it or cancel it.`,
        undefined,
        {
          reason: ERROR_REASONS.syncAlreadyRunning,
          params: {
            direction: input.direction,
            repository: String(repositoryValue),
            peer: input.peer,
            session: running[0].id,
          },
        },
      );
    }
    const id = randomUid();
    await tx.query(
      `INSERT INTO sync_sessions (id, kind, direction, target_id, peer, repository_id, remote_repository_id, repository_name,
                                  document_ids, clear, status, started_by, total_tasks, current_task)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'in_progress', $11, $12, 'Connecting to the peer')`,
      [
        id,
        input.kind,
        input.direction,
        input.targetId,
        input.peer,
        input.repositoryId,
        input.remoteRepositoryId,
        input.repositoryName,
        input.documentIds === null ? null : { v: input.documentIds },
        input.clear,
        input.startedBy,
        input.totalTasks,
      ],
    );
    return id;
  });
}

export interface SessionProgress {
  total_tasks?: number;
  completed_tasks: number;
  failed_tasks: number;
  current_task: string;
  counts: {
    total: number;
    created: number;
    updated: number;
    unchanged: number;
    deleted: number;
    failed: number;
  };
  repository_id?: number | null;
  remote_repository_id?: number | null;
  repository_name?: string;
  transport?: string;
  incremental?: boolean;
}

/** Writes progress; false when the session is no longer running (cancelled elsewhere). */
export async function writeProgress(db: Queryable, id: string, progress: SessionProgress): Promise<boolean> {
  const rows = await db.query(
    `WITH ${RELAXED_COMMIT}
     UPDATE sync_sessions SET
        total_tasks = COALESCE($2, total_tasks), completed_tasks = $3, failed_tasks = $4, current_task = $5,
        total_count = $6, created_count = $7, updated_count = $8, unchanged_count = $9, deleted_count = $10, failed_count = $11,
        repository_id = COALESCE($12, repository_id), remote_repository_id = COALESCE($13, remote_repository_id),
        repository_name = COALESCE($14, repository_name), transport = COALESCE($15, transport),
        incremental = COALESCE($16, incremental), updated_at = now()
       FROM relaxed_commit
      WHERE id = $1 AND status = 'in_progress' RETURNING id`,
    [
      id,
      progress.total_tasks ?? null,
      progress.completed_tasks,
      progress.failed_tasks,
      progress.current_task,
      progress.counts.total,
      progress.counts.created,
      progress.counts.updated,
      progress.counts.unchanged,
      progress.counts.deleted,
      progress.counts.failed,
      progress.repository_id ?? null,
      progress.remote_repository_id ?? null,
      progress.repository_name ?? null,
      progress.transport ?? null,
      progress.incremental ?? null,
    ],
  );
  return rows.length > 0;
}

export async function finishSession(
  db: Queryable,
  id: string,
  status: 'completed' | 'failed' | 'cancelled',
  error: string | null,
): Promise<void> {
  const rows = await db.query(
    `UPDATE sync_sessions SET status = $2, error = $3, finished_at = now(), updated_at = now(),
            current_task = CASE $2 WHEN 'completed' THEN 'Done' WHEN 'cancelled' THEN 'Cancelled' ELSE 'Failed' END
      WHERE id = $1 AND status = 'in_progress' RETURNING *`,
    [id, status, error],
  );
  announce(rows);
}

function toSession(row: Record<string, unknown>): SyncSession {
  return {
    id: String(row.id),
    type: row.kind as SyncSession['type'],
    direction: row.direction as SyncDirection,
    peer: String(row.peer),
    target_id: row.target_id === null ? null : Number(row.target_id),
    repository_id: row.repository_id === null ? null : Number(row.repository_id),
    remote_repository_id: row.remote_repository_id === null ? null : Number(row.remote_repository_id),
    repository_name: String(row.repository_name),
    status: row.status as SyncSession['status'],
    transport: String(row.transport),
    incremental: Boolean(row.incremental),
    clear: Boolean(row.clear),
    total_tasks: Number(row.total_tasks),
    completed_tasks: Number(row.completed_tasks),
    failed_tasks: Number(row.failed_tasks),
    counts: {
      total: Number(row.total_count),
      created: Number(row.created_count),
      updated: Number(row.updated_count),
      unchanged: Number(row.unchanged_count),
      deleted: Number(row.deleted_count),
      failed: Number(row.failed_count),
    },
    current_task: String(row.current_task),
    error: row.error === null ? null : String(row.error),
    started_by: String(row.started_by),
    started_at: isoTime(row.started_at),
    updated_at: isoTime(row.updated_at),
    finished_at: isoTimeOrNull(row.finished_at),
  };
}

/**
 * Sessions newest first. `visibleRepositories` (a repository-scoped caller's list) keeps only
 * sessions of those local repositories; null shows all.
 */
export async function listSessions(
  db: Queryable,
  query: SyncSessionListQuery,
  visibleRepositories: readonly number[] | null = null,
) {
  const conditions: string[] = ['true'];
  const params: unknown[] = [];
  if (visibleRepositories !== null) {
    params.push({ v: visibleRepositories });
    conditions.push(`repository_id IN (SELECT id FROM ${idList(`$${params.length}`)} ids)`);
  }
  if (query.repository_id !== undefined) {
    params.push(query.repository_id);
    // Our repository: for pulls too, once the pull has created or found it.
    conditions.push(`repository_id = $${params.length}`);
  }
  if (query.direction !== undefined) {
    params.push(query.direction);
    conditions.push(`direction = $${params.length}`);
  }
  const where = conditions.join(' AND ');
  const rows = await db.query(
    `SELECT * FROM sync_sessions WHERE ${where} ORDER BY started_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, query.limit, query.offset],
  );
  const [counted] = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM sync_sessions WHERE ${where}`,
    params,
  );
  return {
    items: rows.map(toSession),
    total: Number(counted?.total ?? 0),
    limit: query.limit,
    offset: query.offset,
  };
}

export async function getSession(db: Queryable, id: string): Promise<SyncSession> {
  const rows = await db.query('SELECT * FROM sync_sessions WHERE id = $1', [id]);
  if (!rows[0]) throw new NotFoundError(`Sync session ${id}`);
  return toSession(rows[0]);
}

export function toStatus(session: SyncSession): InstanceSyncStatus {
  const progress =
    session.total_tasks === 0
      ? session.status === 'in_progress'
        ? 0
        : 100
      : Math.floor(((session.completed_tasks + session.failed_tasks) / session.total_tasks) * 100);
  return {
    sync_id: session.id,
    repository_id:
      session.direction === 'push'
        ? session.repository_id
        : (session.repository_id ?? session.remote_repository_id),
    total_tasks: session.total_tasks,
    completed_tasks: session.completed_tasks,
    failed_tasks: session.failed_tasks,
    status: session.status,
    current_task: session.current_task,
    started_at: session.started_at,
    updated_at: session.updated_at,
    progress: Math.min(100, progress),
    error: session.error,
  };
}

/**
 * Sessions left in_progress by a server that died are failed, not running. A live runner
 * writes its session at least every half second, so one silent for `staleMs` has no runner;
 * `keep` protects this process's own sessions whatever their timing.
 */
export async function failOrphanedSessions(
  db: Queryable,
  keep: ReadonlySet<string>,
  staleMs: number,
): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM sync_sessions WHERE status = 'in_progress' AND updated_at < now() - make_interval(secs => $1)`,
    [staleMs / 1000],
  );
  const orphans = rows.map((row) => row.id).filter((id) => !keep.has(id));
  for (const id of orphans) {
    await finishSession(
      db,
      id,
      'failed',
      'The server stopped while this sync was running; start it again (rows already copied are not copied twice).',
    );
  }
  return orphans.length;
}

export async function purgeOldSessions(db: Queryable, retentionDays: number): Promise<number> {
  const rows = await db.query(
    `DELETE FROM sync_sessions WHERE status <> 'in_progress' AND COALESCE(finished_at, started_at) < now() - make_interval(secs => $1) RETURNING id`,
    [retentionDays * 86_400],
  );
  return rows.length;
}
