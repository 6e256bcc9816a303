// Tasks: the SQL behind the REST API.
import {
  ERROR_REASONS,
  TASK_FIELDS,
  type Page,
  type Task,
  type TaskCreate,
  type TaskUpdate,
} from '@wikisync/shared';
import { type Database, type Queryable, writeTransaction } from '../db/database.js';
import { restStoreColumns } from '../db/field-rows.js';
import { lockRepository, lockRepositoryOf } from '../db/repository-locks.js';
import { buildAssignments, buildInsert } from '../db/sql.js';
import { requireVersion, splitVersion, updateIfVersion, type Versioned } from '../db/compare-and-set.js';
import { randomUid } from '../db/uid.js';
import type { Principal } from '../auth/principal.js';
import { readableRepositoryCondition, requireRead } from '../auth/access.js';
import { requireWritableRepository } from '../repositories/repository-store.js';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';

const STORE = restStoreColumns<Task>(TASK_FIELDS);

/** The columns of a task on the REST API, read from `task_rows` (which adds `doc_id` and `run_after_id`). */
export const TASK_COLUMNS = STORE.columns;
const toTask = STORE.fromRow;

export async function listTasks(
  db: Queryable,
  principal: Principal,
  query: { limit: number; offset: number; repository_id?: number | undefined },
): Promise<Page<Task>> {
  const filters = ['NOT deleted'];
  const params: unknown[] = [];
  if (query.repository_id !== undefined) {
    params.push(query.repository_id);
    filters.push(`repository_id = $${params.length}`);
  }
  const visible = readableRepositoryCondition(principal, 'repository_id', params.length + 1);
  filters.push(visible.sql);
  params.push(...visible.params);
  const where = filters.join(' AND ');
  const rows = await db.query(
    `SELECT ${TASK_COLUMNS} FROM task_rows WHERE ${where}
      ORDER BY repository_id, sort_order, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, query.limit, query.offset],
  );
  const counted = await db.query<{ total: number }>(
    `SELECT count(*) AS total FROM tasks WHERE ${where}`,
    params,
  );
  return { items: rows.map(toTask), total: counted[0]?.total ?? 0, limit: query.limit, offset: query.offset };
}

async function findVersionedTask(db: Queryable, id: number): Promise<Versioned<Task>> {
  const rows = await db.query(
    `SELECT ${TASK_COLUMNS}, server_version FROM task_rows WHERE id = $1 AND NOT deleted`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`Task ${id}`);
  const { fields, version } = splitVersion(row);
  return { row: toTask(fields), version };
}

async function findLiveTask(db: Queryable, id: number): Promise<Task> {
  return (await findVersionedTask(db, id)).row;
}

/** A task the caller may read, with its version (the ETag of GET /api/tasks/:id). */
export async function getVersionedTask(
  db: Queryable,
  principal: Principal,
  id: number,
): Promise<Versioned<Task>> {
  const task = await findVersionedTask(db, id);
  try {
    await requireRead(db, principal, task.row.repository_id);
  } catch {
    throw new NotFoundError(`Task ${id}`);
  }
  return task;
}

export async function getTask(db: Queryable, principal: Principal, id: number): Promise<Task> {
  return (await getVersionedTask(db, principal, id)).row;
}

/**
 * A task's `doc_id` must name a live document of the same repository, and its `run_after_id`
 * a live task of it; the table keeps their uids (see the migrations). Returns undefined when
 * the reference is not being changed.
 */
async function resolveReferenceUid(
  tx: Queryable,
  repositoryId: number,
  field: 'doc_id' | 'run_after_id',
  id: number | null | undefined,
): Promise<string | null | undefined> {
  if (id === undefined || id === null) return id;
  const table = field === 'doc_id' ? 'documents' : 'tasks';
  const rows = await tx.query<{ uid: string }>(
    `SELECT uid FROM ${table} WHERE id = $1 AND repository_id = $2 AND NOT deleted`,
    [id, repositoryId],
  );
  if (!rows[0]) {
    const what = field === 'doc_id' ? 'a document' : 'a task';
    throw new BadRequestError(
      `${field} ${id} is not ${what} of repository ${repositoryId}; send an existing ${what.slice(2)} id or null.`,
    );
  }
  return rows[0].uid;
}

export async function createTask(db: Database, principal: Principal, input: TaskCreate): Promise<Task> {
  return writeTransaction(db, async (tx) => {
    await lockRepository(tx, input.repository_id);
    await requireWritableRepository(tx, principal, input.repository_id);
    const docUid = await resolveReferenceUid(tx, input.repository_id, 'doc_id', input.doc_id);
    const runAfterUid = await resolveReferenceUid(
      tx,
      input.repository_id,
      'run_after_id',
      input.run_after_id,
    );
    const uid = input.uid ?? randomUid();
    const taken = await tx.query('SELECT 1 FROM tasks WHERE uid = $1', [uid]);
    if (taken.length > 0)
      throw new ConflictError(`A task with uid "${uid}" already exists; use another uid.`, undefined, {
        reason: ERROR_REASONS.uidExists,
        params: { collection: 'task', uid },
      });
    const insert = buildInsert('tasks', STORE.create, {
      ...input,
      uid,
      doc_uid: docUid,
      run_after_uid: runAfterUid,
    });
    const rows = await tx.query<{ id: number }>(`${insert.sql} RETURNING id`, insert.params);
    return findLiveTask(tx, rows[0]!.id);
  });
}

/**
 * Writes `patch`; with `expectedVersion` (a PATCH's If-Match) only if the task still has that
 * version, else 412 with the task as it is now (db/compare-and-set.ts).
 */
export async function updateTask(
  db: Database,
  principal: Principal,
  id: number,
  patch: TaskUpdate,
  expectedVersion?: number,
): Promise<Versioned<Task>> {
  return writeTransaction(db, async (tx) => {
    await lockRepositoryOf(tx, 'tasks', id);
    const current = await findVersionedTask(tx, id);
    const task = current.row;
    await requireWritableRepository(tx, principal, task.repository_id, `Task ${id}`);
    requireVersion(`Task ${id}`, current, expectedVersion);
    const { doc_id: docId, run_after_id: runAfterId, ...rest } = patch;
    const docUid = await resolveReferenceUid(tx, task.repository_id, 'doc_id', docId);
    const runAfterUid = await resolveReferenceUid(tx, task.repository_id, 'run_after_id', runAfterId);
    if (runAfterId === id)
      throw new BadRequestError(`run_after_id ${id} is the task itself; a task cannot wait for itself.`);
    const set = buildAssignments({ ...rest, doc_uid: docUid, run_after_uid: runAfterUid }, STORE.update, 2);
    await updateIfVersion(tx, { table: 'tasks', ...set }, id, expectedVersion, `Task ${id}`, () =>
      findVersionedTask(tx, id),
    );
    return findVersionedTask(tx, id);
  });
}

/** A deleted task leaves a tombstone; its documents stay, still pointing at it. */
export async function deleteTask(db: Database, principal: Principal, id: number): Promise<void> {
  await writeTransaction(db, async (tx) => {
    await lockRepositoryOf(tx, 'tasks', id);
    const task = await findLiveTask(tx, id);
    await requireWritableRepository(tx, principal, task.repository_id, `Task ${id}`);
    await tx.query('UPDATE tasks SET deleted = true, updated_at = now() WHERE id = $1', [id]);
  });
}
