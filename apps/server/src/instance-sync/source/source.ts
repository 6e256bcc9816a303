// The source side of PROTOCOL.md §2: `repository-list`, `document-list` and `pull-export`.
// Export pages are cut by id within each table (tasks first, then documents) and filtered by
// server_version for incremental copies, so a 10,000-document repository travels as many
// small answers and no answer depends on one long request.
import { idList } from '../../db/sql-lists.js';
import type { PullExportResponse } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { isoTime } from '../../db/row.js';
import { versionHorizon } from '../../db/version-horizon.js';
import { NotFoundError } from '../../errors.js';
import { mayTouchRepository, requireRepository, type SyncCaller } from '../peer-auth/sync-caller.js';
import {
  documentWireRow,
  EXPORT_DOCUMENT_COLUMNS,
  EXPORT_TASK_COLUMNS,
  repositoryWireRow,
  taskWireRow,
  usageWireRow,
  type WireRow,
} from '../wire/wire-rows.js';
import { loadTaskUsages } from '../../tasks/task-usage-store.js';
import { REPOSITORY_COLUMNS } from '../../repositories/repository-store.js';

export async function listExportableRepositories(db: Queryable, caller: SyncCaller) {
  const rows = await db.query(
    `SELECT id, name, url, clone_branch, status, updated_at FROM repositories WHERE NOT deleted ORDER BY name, id`,
  );
  return rows
    .filter((row) => mayTouchRepository(caller, Number(row.id)))
    .map((row) => ({
      repository_id: Number(row.id),
      name: String(row.name),
      url: String(row.url),
      clone_branch: String(row.clone_branch),
      status: String(row.status),
      updated_at: isoTime(row.updated_at),
    }));
}

async function liveRepository(
  db: Queryable,
  caller: SyncCaller,
  repositoryId: number,
): Promise<Record<string, unknown>> {
  requireRepository(caller, repositoryId);
  const rows = await db.query(
    `SELECT ${REPOSITORY_COLUMNS} FROM repositories WHERE id = $1 AND NOT deleted`,
    [repositoryId],
  );
  if (!rows[0]) throw new NotFoundError(`Repository ${repositoryId}`);
  return rows[0];
}

export async function listExportableDocuments(db: Queryable, caller: SyncCaller, repositoryId: number) {
  await liveRepository(db, caller, repositoryId);
  const rows = await db.query(
    `SELECT d.id, d.repository_id, d.task_id, d.title, t.status, d.created_at
       FROM documents d LEFT JOIN tasks t ON t.id = d.task_id
      WHERE d.repository_id = $1 AND NOT d.deleted AND d.is_latest
      ORDER BY d.sort_order, d.id`,
    [repositoryId],
  );
  return rows.map((row) => ({
    document_id: Number(row.id),
    repository_id: Number(row.repository_id),
    task_id: row.task_id === null ? null : Number(row.task_id),
    title: String(row.title),
    status: row.status === null ? null : String(row.status),
    created_at: isoTime(row.created_at),
  }));
}

/** The usages of the live tasks among `tasks` (database rows), each with our task id. */
async function usagesOf(db: Queryable, tasks: readonly Record<string, unknown>[]): Promise<WireRow[]> {
  const ids = tasks.filter((task) => !task.deleted).map((task) => Number(task.id));
  const usages = await loadTaskUsages(db, ids);
  return ids.flatMap((id) => (usages.get(id) ?? []).map((usage) => usageWireRow(id, usage)));
}

/**
 * The checkpoint of a copy that starts now: the newest version below the version horizon
 * (db/version-horizon.ts), so every row that commits later gets a larger one. Read before
 * the copy's rows, whose snapshots are then later than the horizon.
 */
export async function currentVersion(db: Queryable): Promise<number> {
  const horizon = await versionHorizon(db);
  const rows = await db.query<{ version: number | null }>(
    `SELECT GREATEST((SELECT max(server_version) FROM repositories WHERE server_version < $1),
                     (SELECT max(server_version) FROM tasks WHERE server_version < $1),
                     (SELECT max(server_version) FROM documents WHERE server_version < $1)) AS version`,
    [horizon],
  );
  return Number(rows[0]?.version ?? 0);
}

export interface ExportRequest {
  repository_id: number;
  document_ids?: number[] | null | undefined;
  since_version?: number | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

interface Selection {
  sql: string;
  params: unknown[];
}

/** WHERE conditions for one table: repository, version, selection, tombstones. */
function selection(
  table: 'tasks' | 'documents',
  request: ExportRequest,
  withTombstones: boolean,
  firstParam: number,
): Selection {
  const conditions = ['repository_id = $1'];
  const params: unknown[] = [];
  const next = () => `$${firstParam + params.length - 1}`;
  if (!withTombstones) conditions.push('NOT deleted');
  if (request.since_version) {
    params.push(request.since_version);
    conditions.push(`server_version > ${next()}`);
  }
  if (request.document_ids && request.document_ids.length > 0) {
    params.push({ v: request.document_ids });
    const ids = idList(next());
    conditions.push(
      table === 'documents'
        ? `id IN (SELECT id FROM ${ids} ids)`
        : `id IN (SELECT d.task_id FROM documents d JOIN ${ids} ids ON ids.id = d.id)`,
    );
  }
  return { sql: conditions.join(' AND '), params };
}

/**
 * One page (with `limit`) or everything (without, for openDeepWiki pullers). Paged answers
 * carry tombstones so deletions travel, `next_cursor` until the last page, and on the first
 * page the totals and the checkpoint the puller stores after a successful copy.
 */
export async function exportRepository(
  db: Queryable,
  caller: SyncCaller,
  request: ExportRequest,
): Promise<PullExportResponse> {
  const repository = repositoryWireRow(await liveRepository(db, caller, request.repository_id));
  if (request.cursor === undefined) {
    // Remembered so that the copy may come home from this peer (receiver.ts).
    await db.query(
      `INSERT INTO sync_exports (peer_key, repository_id) VALUES ($1, $2)
       ON CONFLICT (peer_key, repository_id) DO UPDATE SET exported_at = now()`,
      [caller.peerKey, request.repository_id],
    );
  }
  const paged = request.limit !== undefined;
  const withTombstones = paged;
  const taskWhere = selection('tasks', request, withTombstones, 2);
  const documentWhere = selection('documents', request, withTombstones, 2);
  if (!paged) {
    const tasks = await db.query(
      `SELECT ${EXPORT_TASK_COLUMNS} FROM task_rows WHERE ${taskWhere.sql} ORDER BY sort_order, id`,
      [request.repository_id, ...taskWhere.params],
    );
    const documents = await db.query(
      `SELECT ${EXPORT_DOCUMENT_COLUMNS} FROM document_rows WHERE ${documentWhere.sql} ORDER BY id`,
      [request.repository_id, ...documentWhere.params],
    );
    return {
      repository,
      tasks: tasks.map(taskWireRow),
      documents: documents.map(documentWireRow),
      task_usages: await usagesOf(db, tasks),
      next_cursor: null,
      incremental: Boolean(request.since_version),
    };
  }
  const limit = request.limit!;
  const [phase, after] = (request.cursor ?? 't:0').split(':') as ['t' | 'd', string];
  const first = request.cursor === undefined;
  const extra: Partial<PullExportResponse> = {};
  if (first) {
    extra.checkpoint = await currentVersion(db);
    const [tasksCount] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tasks WHERE ${taskWhere.sql}`,
      [request.repository_id, ...taskWhere.params],
    );
    const [documentsCount] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM documents WHERE ${documentWhere.sql}`,
      [request.repository_id, ...documentWhere.params],
    );
    extra.total_tasks = Number(tasksCount?.n ?? 0);
    extra.total_documents = Number(documentsCount?.n ?? 0);
  }
  const where = phase === 't' ? taskWhere : documentWhere;
  const columns = phase === 't' ? EXPORT_TASK_COLUMNS : EXPORT_DOCUMENT_COLUMNS;
  const view = phase === 't' ? 'task_rows' : 'document_rows';
  const rows = await db.query(
    `SELECT ${columns} FROM ${view} WHERE ${where.sql} AND id > $${where.params.length + 2} ORDER BY id LIMIT $${where.params.length + 3}`,
    [request.repository_id, ...where.params, Number(after), limit],
  );
  const lastId = rows.length > 0 ? Number(rows.at(-1)!.id) : Number(after);
  let nextCursor: string | null;
  if (rows.length === limit) nextCursor = `${phase}:${lastId}`;
  else nextCursor = phase === 't' ? 'd:0' : null;
  return {
    repository,
    tasks: phase === 't' ? rows.map(taskWireRow) : [],
    documents: phase === 'd' ? rows.map(documentWireRow) : [],
    task_usages: phase === 't' ? await usagesOf(db, rows) : [],
    next_cursor: nextCursor,
    incremental: Boolean(request.since_version),
    ...extra,
  };
}
