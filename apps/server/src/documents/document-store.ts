// Documents: the SQL behind the REST API.
import {
  ERROR_REASONS,
  DOCUMENT_FIELDS,
  type Document,
  type DocumentCreate,
  type DocumentUpdate,
  type Page,
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

const STORE = restStoreColumns<Document>(DOCUMENT_FIELDS);

/** The columns of a document on the REST API, read from `document_rows` (which adds `replaced_by`). */
export const DOCUMENT_COLUMNS = STORE.columns;
const toDocument = STORE.fromRow;

export async function listDocuments(
  db: Queryable,
  principal: Principal,
  query: { limit: number; offset: number; repository_id?: number | undefined; task_id?: number | undefined },
): Promise<Page<Document>> {
  const filters = ['NOT deleted'];
  const params: unknown[] = [];
  if (query.repository_id !== undefined) {
    params.push(query.repository_id);
    filters.push(`repository_id = $${params.length}`);
  }
  if (query.task_id !== undefined) {
    params.push(query.task_id);
    filters.push(`task_id = $${params.length}`);
  }
  const visible = readableRepositoryCondition(principal, 'repository_id', params.length + 1);
  filters.push(visible.sql);
  params.push(...visible.params);
  const where = filters.join(' AND ');
  const rows = await db.query(
    `SELECT ${DOCUMENT_COLUMNS} FROM document_rows WHERE ${where}
      ORDER BY repository_id, sort_order, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, query.limit, query.offset],
  );
  const counted = await db.query<{ total: number }>(
    `SELECT count(*) AS total FROM document_rows WHERE ${where}`,
    params,
  );
  return {
    items: rows.map(toDocument),
    total: counted[0]?.total ?? 0,
    limit: query.limit,
    offset: query.offset,
  };
}

async function findVersionedDocument(db: Queryable, id: number): Promise<Versioned<Document>> {
  const rows = await db.query(
    `SELECT ${DOCUMENT_COLUMNS}, server_version FROM document_rows WHERE id = $1 AND NOT deleted`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`Document ${id}`);
  const { fields, version } = splitVersion(row);
  return { row: toDocument(fields), version };
}

async function findLiveDocument(db: Queryable, id: number): Promise<Document> {
  return (await findVersionedDocument(db, id)).row;
}

/** A document the caller may read, with its version (the ETag of GET /api/documents/:id). */
export async function getVersionedDocument(
  db: Queryable,
  principal: Principal,
  id: number,
): Promise<Versioned<Document>> {
  const document = await findVersionedDocument(db, id);
  try {
    await requireRead(db, principal, document.row.repository_id);
  } catch {
    throw new NotFoundError(`Document ${id}`);
  }
  return document;
}

export async function getDocument(db: Queryable, principal: Principal, id: number): Promise<Document> {
  return (await getVersionedDocument(db, principal, id)).row;
}

/**
 * `task_id` and `replaced_by` must name rows of the same repository. Returns the uid that
 * the table keeps for `replaced_by` (undefined when it is not being changed).
 */
async function checkReferences(
  tx: Queryable,
  repositoryId: number,
  refs: { task_id?: number | null | undefined; replaced_by?: number | null | undefined },
): Promise<string | null | undefined> {
  if (refs.task_id !== null && refs.task_id !== undefined) {
    const rows = await tx.query('SELECT 1 FROM tasks WHERE id = $1 AND repository_id = $2 AND NOT deleted', [
      refs.task_id,
      repositoryId,
    ]);
    if (rows.length === 0) {
      throw new BadRequestError(
        `task_id ${refs.task_id} is not a task of repository ${repositoryId}; send an existing task id or null.`,
      );
    }
  }
  if (refs.replaced_by === null || refs.replaced_by === undefined) return refs.replaced_by;
  const rows = await tx.query<{ uid: string }>(
    'SELECT uid FROM documents WHERE id = $1 AND repository_id = $2',
    [refs.replaced_by, repositoryId],
  );
  if (!rows[0]) {
    throw new BadRequestError(
      `replaced_by ${refs.replaced_by} is not a document of repository ${repositoryId}; send an existing document id or null.`,
    );
  }
  return rows[0].uid;
}

export async function createDocument(
  db: Database,
  principal: Principal,
  input: DocumentCreate,
): Promise<Document> {
  return writeTransaction(db, async (tx) => {
    await lockRepository(tx, input.repository_id);
    await requireWritableRepository(tx, principal, input.repository_id);
    const replacedByUid = await checkReferences(tx, input.repository_id, input);
    const uid = input.uid ?? randomUid();
    const taken = await tx.query('SELECT 1 FROM documents WHERE uid = $1', [uid]);
    if (taken.length > 0)
      throw new ConflictError(`A document with uid "${uid}" already exists; use another uid.`, undefined, {
        reason: ERROR_REASONS.uidExists,
        params: { collection: 'document', uid },
      });
    const insert = buildInsert('documents', STORE.create, {
      ...input,
      uid,
      replaced_by_uid: replacedByUid,
    });
    const rows = await tx.query<{ id: number }>(`${insert.sql} RETURNING id`, insert.params);
    return findLiveDocument(tx, rows[0]!.id);
  });
}

/**
 * Writes `patch`; with `expectedVersion` (a PATCH's If-Match) only if the document still has
 * that version, else 412 with the document as it is now (db/compare-and-set.ts).
 */
export async function updateDocument(
  db: Database,
  principal: Principal,
  id: number,
  patch: DocumentUpdate,
  expectedVersion?: number,
): Promise<Versioned<Document>> {
  return writeTransaction(db, async (tx) => {
    await lockRepositoryOf(tx, 'documents', id);
    const current = await findVersionedDocument(tx, id);
    const document = current.row;
    await requireWritableRepository(tx, principal, document.repository_id, `Document ${id}`);
    requireVersion(`Document ${id}`, current, expectedVersion);
    const replacedByUid = await checkReferences(tx, document.repository_id, patch);
    const { replaced_by: _replacedBy, ...rest } = patch;
    const set = buildAssignments({ ...rest, replaced_by_uid: replacedByUid }, STORE.update, 2);
    await updateIfVersion(tx, { table: 'documents', ...set }, id, expectedVersion, `Document ${id}`, () =>
      findVersionedDocument(tx, id),
    );
    return findVersionedDocument(tx, id);
  });
}

export async function deleteDocument(db: Database, principal: Principal, id: number): Promise<void> {
  await writeTransaction(db, async (tx) => {
    await lockRepositoryOf(tx, 'documents', id);
    const document = await findLiveDocument(tx, id);
    await requireWritableRepository(tx, principal, document.repository_id, `Document ${id}`);
    await tx.query('UPDATE tasks SET doc_uid = NULL, updated_at = now() WHERE doc_uid = $1 AND NOT deleted', [
      document.uid,
    ]);
    await tx.query('UPDATE documents SET deleted = true, updated_at = now() WHERE id = $1', [id]);
  });
}
