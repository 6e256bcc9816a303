// What a push sends: the rows of a repository changed since the last successful push to that
// target (by server_version, tombstones included), or a selection of documents and their
// tasks, or everything. Rows are not loaded here, only what names and orders them (ids,
// titles, tombstones, references), so planning a 10,000-task push is two small reads; each row
// is read when it is sent.
import { idList, probeOne } from '../../../db/sql-lists.js';
import type { Queryable } from '../../../db/database.js';
import { NotFoundError } from '../../../errors.js';
import { currentVersion } from '../../source/source.js';
import {
  EXPORT_DOCUMENT_COLUMNS,
  EXPORT_TASK_COLUMNS,
  taskWireRow,
  type WireRow,
} from '../../wire/wire-rows.js';

/** A task whose row changed: its row is read when it is sent (`loadTasks`). */
export interface PlannedTask {
  id: number;
  deleted: boolean;
  title: string;
  /** Its current document (the wire's `doc_id`), or none. */
  docId: number | null;
}

export interface PlannedDocument {
  id: number;
  taskId: number | null;
  version: number;
  deleted: boolean;
  replacedBy: number | null;
  title: string;
  /** Its content's size in bytes (read from the stored value's header, not the text). */
  contentBytes: number;
}

export interface PushPlan {
  /** The version the checkpoint moves to when this push succeeds. */
  version: number;
  incremental: boolean;
  repository: Record<string, unknown>;
  /** Tasks whose rows changed (or all, or the selection's), in the order they are sent. */
  changedTasks: PlannedTask[];
  /** Every task a document to send belongs to, with the changed ones: the progress units. */
  touchedTaskIds: number[];
  documents: PlannedDocument[];
  /** Progress units: touched tasks, plus one for documents without a task. */
  units: number;
}

export async function planPush(
  db: Queryable,
  repositoryId: number,
  /** `since` may still be on its way (a checkpoint being read): it is read beside the rest. */
  options: { since: number | Promise<number>; documentIds: number[] | null },
): Promise<PushPlan> {
  const selected = options.documentIds !== null && options.documentIds.length > 0;
  // Side by side: the repository, the version this push reaches and where it starts are one
  // round trip, not three, of a re-push's few.
  const [repositories, version, since] = await Promise.all([
    db.query('SELECT * FROM repositories WHERE id = $1 AND NOT deleted', [repositoryId]),
    currentVersion(db),
    selected ? 0 : options.since,
  ]);
  const repository = repositories[0];
  if (!repository) throw new NotFoundError(`Repository ${repositoryId}`);
  // A first copy has nothing to delete on the other side; later ones carry tombstones.
  const tombstones = (deleted: string) => (since > 0 ? '' : `AND NOT ${deleted}`);
  const documentFilter = selected ? `AND id IN (SELECT id FROM ${idList('$3')} ids)` : '';
  const params = selected ? [repositoryId, since, { v: options.documentIds }] : [repositoryId, since];
  const taskFilter = selected
    ? `AND t.id IN (SELECT d.task_id FROM documents d JOIN ${idList('$3')} ids ON ids.id = d.id)`
    : '';
  // Side by side: each reads what changed since `since`; what commits after `version` was
  // read is above it, and the next push takes it.
  const [documents, tasks] = await Promise.all([
    db.query(
      `SELECT id, task_id, version, deleted, replaced_by, title, octet_length(content) AS content_bytes FROM document_rows
        WHERE repository_id = $1 AND server_version > $2 ${tombstones('deleted')} ${documentFilter} ORDER BY id`,
      params,
    ),
    // The current document as `task_rows` reads it (its `doc_id`), by a probe of the uid index
    // per task: the view's join hashed every document of every repository (49 ms against 22
    // for a repository of 10,000 tasks, on a push's critical path).
    db.query(
      `SELECT t.id, t.deleted, t.title, cur.id AS doc_id
         FROM tasks t ${probeOne('documents', 'cur', 'id', 'uid = t.doc_uid', undefined, true)}
        WHERE t.repository_id = $1 AND t.server_version > $2 ${tombstones('t.deleted')} ${taskFilter}
        ORDER BY t.sort_order, t.id`,
      params,
    ),
  ]);
  const planned: PlannedDocument[] = documents.map((row) => ({
    id: Number(row.id),
    taskId: row.task_id === null ? null : Number(row.task_id),
    version: Number(row.version),
    deleted: Boolean(row.deleted),
    replacedBy: row.replaced_by === null ? null : Number(row.replaced_by),
    title: String(row.title),
    contentBytes: Number(row.content_bytes ?? 0),
  }));
  const touched = new Set<number>(tasks.map((row) => Number(row.id)));
  for (const document of planned) if (document.taskId !== null) touched.add(document.taskId);
  const orphans = planned.some((document) => document.taskId === null) ? 1 : 0;
  return {
    version,
    incremental: since > 0,
    repository,
    changedTasks: tasks.map((row) => ({
      id: Number(row.id),
      deleted: Boolean(row.deleted),
      title: String(row.title),
      docId: row.doc_id === null ? null : Number(row.doc_id),
    })),
    touchedTaskIds: [...touched],
    documents: planned,
    units: touched.size + orphans,
  };
}

/**
 * Task rows by id, as the wire carries them, in the order a plan sends them (`sort_order`,
 * then id). A task deleted for good since it was planned is left out.
 */
export async function loadTasks(db: Queryable, ids: readonly number[]): Promise<WireRow[]> {
  if (ids.length === 0) return [];
  // One probe of the view per id: joined to the list, the planner hashed the whole table for
  // a few hundred rows (the tasks a re-push sends for context).
  const rows = await db.query(
    `SELECT ${EXPORT_TASK_COLUMNS.split(', ')
      .map((c) => `t.${c}`)
      .join(', ')} FROM ${idList('$1')} ids ${probeOne('task_rows', 't', EXPORT_TASK_COLUMNS, 'id = ids.id')}
      ORDER BY t.sort_order, t.id`,
    [{ v: ids }],
  );
  return rows.map(taskWireRow);
}

/**
 * The uids of what each task references, its current document and the task it runs after,
 * by task id (tasks referencing neither are left out). A reference to no row is none, as the
 * wire's ids say (`doc_id`, `run_after` from task_rows).
 */
export async function loadReferenceUids(
  db: Queryable,
  taskIds: readonly number[],
): Promise<Map<number, { doc: string | null; runAfter: string | null }>> {
  if (taskIds.length === 0) return new Map();
  // Each reference by a probe of the uid index: as joins, the planner hashed both whole tables
  // (9 ms of a re-push's 100 tasks, against under one).
  const rows = await db.query<{ id: number; doc: string | null; run_after: string | null }>(
    `SELECT ids.id, d.uid AS doc, a.uid AS run_after
       FROM ${idList('$1')} ids ${probeOne('tasks', 't', 'doc_uid, run_after_uid', 'id = ids.id')}
       ${probeOne('documents', 'd', 'uid', 'uid = t.doc_uid', undefined, true)}
       ${probeOne('tasks', 'a', 'uid', 'uid = t.run_after_uid', undefined, true)}
      WHERE d.uid IS NOT NULL OR a.uid IS NOT NULL`,
    [{ v: taskIds }],
  );
  return new Map(rows.map((row) => [Number(row.id), { doc: row.doc, runAfter: row.run_after }]));
}

/**
 * Full document rows, content included, for one chunk of a push; with `replaced_by_uid`, the
 * uid of the newer version (`replaced_by`, its id), which the wire fields leave out.
 */
export async function loadDocuments(
  db: Queryable,
  ids: readonly number[],
): Promise<Record<string, unknown>[]> {
  if (ids.length === 0) return [];
  return db.query(
    `SELECT ${[...EXPORT_DOCUMENT_COLUMNS.split(', '), 'replaced_by_uid']
      .map((c) => `d.${c}`)
      .join(', ')} FROM document_rows d JOIN ${idList('$1')} ids ON ids.id = d.id ORDER BY d.id`,
    [{ v: ids }],
  );
}
