// Scheduled syncs: a cron expression, a target, a repository, a direction and the clear flag.
import { Cron } from 'croner';
import { ERROR_REASONS, type SyncDirection, type SyncSchedule } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { isoTime, isoTimeOrNull } from '../../db/row.js';
import { NotFoundError, ValidationError } from '../../errors.js';

export const MIN_SCHEDULE_INTERVAL_MS = 60_000;

/** Parses and checks a cron expression; throws a message that says what to fix. */
export function checkCron(expression: string): Cron {
  let job: Cron;
  try {
    job = new Cron(expression, { paused: true });
  } catch (error) {
    throw new ValidationError(
      `cron: "${expression}" is not a valid cron expression (${(error as Error).message}); use 5 fields, such as "*/15 * * * *".`,
      { reason: ERROR_REASONS.cronInvalid, params: { expression } },
    );
  }
  const runs = job.nextRuns(6);
  job.stop();
  if (runs.length === 0)
    throw new ValidationError(`cron: "${expression}" never runs; pick an expression with future times.`, {
      reason: ERROR_REASONS.cronNeverRuns,
      params: { expression },
    });
  for (let index = 1; index < runs.length; index++) {
    if (runs[index]!.getTime() - runs[index - 1]!.getTime() < MIN_SCHEDULE_INTERVAL_MS) {
      throw new ValidationError(
        `cron: "${expression}" runs more often than once a minute; the shortest allowed interval is 1 minute.`,
        { reason: ERROR_REASONS.cronTooFrequent, params: { expression } },
      );
    }
  }
  return job;
}

export function nextRun(expression: string): string | null {
  try {
    const job = new Cron(expression, { paused: true });
    const next = job.nextRun();
    job.stop();
    return next ? next.toISOString() : null;
  } catch {
    return null;
  }
}

function toSchedule(row: Record<string, unknown>): SyncSchedule {
  return {
    id: Number(row.id),
    cron: String(row.cron),
    target_id: Number(row.target_id),
    target_url: String(row.target_url),
    repository_id: Number(row.repository_id),
    direction: row.direction as SyncDirection,
    clear: Boolean(row.clear),
    enabled: Boolean(row.enabled),
    next_run_at: row.enabled ? nextRun(String(row.cron)) : null,
    last_run_at: isoTimeOrNull(row.last_run_at),
    last_session_id: row.last_session_id === null ? null : String(row.last_session_id),
    created_at: isoTime(row.created_at),
  };
}

const SELECT = `SELECT s.*, t.url AS target_url FROM sync_schedules s JOIN sync_targets t ON t.id = s.target_id`;

export async function listSchedules(db: Queryable): Promise<SyncSchedule[]> {
  return (await db.query(`${SELECT} ORDER BY s.id`)).map(toSchedule);
}

export async function getSchedule(db: Queryable, id: number): Promise<SyncSchedule> {
  const rows = await db.query(`${SELECT} WHERE s.id = $1`, [id]);
  if (!rows[0]) throw new NotFoundError(`Schedule ${id}`);
  return toSchedule(rows[0]);
}

export async function createSchedule(
  db: Queryable,
  input: {
    cron: string;
    target_id: number;
    repository_id: number;
    direction: SyncDirection;
    clear: boolean;
    enabled: boolean;
    createdBy: string;
  },
): Promise<SyncSchedule> {
  checkCron(input.cron);
  const target = await db.query('SELECT 1 FROM sync_targets WHERE id = $1', [input.target_id]);
  if (target.length === 0) throw new NotFoundError(`Target ${input.target_id}`);
  if (input.direction === 'push') {
    const repository = await db.query('SELECT 1 FROM repositories WHERE id = $1 AND NOT deleted', [
      input.repository_id,
    ]);
    if (repository.length === 0) throw new NotFoundError(`Repository ${input.repository_id}`);
  }
  const rows = await db.query<{ id: number }>(
    `INSERT INTO sync_schedules (cron, target_id, repository_id, direction, clear, enabled, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      input.cron,
      input.target_id,
      input.repository_id,
      input.direction,
      input.clear,
      input.enabled,
      input.createdBy,
    ],
  );
  return getSchedule(db, Number(rows[0]!.id));
}

export async function deleteSchedule(db: Queryable, id: number): Promise<void> {
  const rows = await db.query('DELETE FROM sync_schedules WHERE id = $1 RETURNING id', [id]);
  if (rows.length === 0) throw new NotFoundError(`Schedule ${id}`);
}

/**
 * Claims one run of a schedule; only one server process sharing the database gets it, so two
 * processes firing the same minute do not both start a run.
 */
export async function claimRun(db: Queryable, id: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE sync_schedules SET last_run_at = now()
      WHERE id = $1 AND enabled AND (last_run_at IS NULL OR last_run_at < now() - interval '30 seconds') RETURNING id`,
    [id],
  );
  return rows.length > 0;
}

export async function recordRun(db: Queryable, id: number, sessionId: string): Promise<void> {
  await db.query('UPDATE sync_schedules SET last_session_id = $2 WHERE id = $1', [id, sessionId]);
}
