// The SQL shape of each replicated collection: how a row becomes a flat replicated document
// (references by uid, `deleted` as `_deleted`) and how a document is written back. Column
// names come only from the fixed lists below, never from a request.
import {
  COMPARED_FIELDS,
  type CollectionName,
  type ReplicatedDoc,
  type ReplicatedDocByCollection,
  type ReplicatedDocument,
  type ReplicatedRepository,
  type ReplicatedTask,
} from '@wikisync/shared';
import type { Queryable } from '../db/database.js';
import { isoTime, isoTimeOrNull } from '../db/row.js';
import { textList } from '../db/sql-lists.js';

interface CollectionSql {
  /** SELECT … FROM … with the alias `x` for the replicated table; every row has `repository_id`. */
  select: string;
  /** The column holding the owning repository's id, for permission filters. */
  repositoryColumn: string;
}

export const COLLECTION_SQL: Record<CollectionName, CollectionSql> = {
  repositories: {
    select: `SELECT x.id, x.uid, x.name, x.url, x.description, x.clone_branch, x.clone_commit_id, x.size_mb,
                    x.status, x.error_msg, x.metadata, x.created_at, x.updated_at, x.deleted, x.server_version,
                    x.id AS repository_id
               FROM repositories x`,
    repositoryColumn: 'x.id',
  },
  tasks: {
    select: `SELECT x.id, x.uid, r.uid AS repository_uid, x.doc_uid, x.writer_name, x.task_type, x.title, x.outline,
                    x.status, x.run_after_uid, x.error_msg, x.sort_order, x.started_at, x.completed_at, x.metadata,
                    x.created_at, x.updated_at, x.deleted, x.server_version, x.repository_id
               FROM tasks x JOIN repositories r ON r.id = x.repository_id`,
    repositoryColumn: 'x.repository_id',
  },
  documents: {
    select: `SELECT x.id, x.uid, r.uid AS repository_uid, t.uid AS task_uid, x.title, x.filename, x.content,
                    x.language, x.sort_order, x.version, x.is_latest, x.replaced_by_uid, x.metadata, x.created_at,
                    x.updated_at, x.deleted, x.server_version, x.repository_id
               FROM documents x JOIN repositories r ON r.id = x.repository_id LEFT JOIN tasks t ON t.id = x.task_id`,
    repositoryColumn: 'x.repository_id',
  },
};

type Row = Record<string, unknown>;
const metadataOf = (row: Row) => (row.metadata ?? {}) as Record<string, unknown>;
const stringOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));

export function toReplicatedDoc<C extends CollectionName>(
  collection: C,
  row: Row,
): ReplicatedDocByCollection[C] {
  const common = {
    uid: String(row.uid),
    id: Number(row.id),
    metadata: metadataOf(row),
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    _deleted: Boolean(row.deleted),
  };
  if (collection === 'repositories') {
    const doc: ReplicatedRepository = {
      ...common,
      name: String(row.name),
      url: String(row.url),
      description: String(row.description),
      clone_branch: String(row.clone_branch),
      clone_commit_id: String(row.clone_commit_id),
      size_mb: Number(row.size_mb),
      status: row.status as ReplicatedRepository['status'],
      error_msg: String(row.error_msg),
    };
    return doc as ReplicatedDocByCollection[C];
  }
  if (collection === 'tasks') {
    const doc: ReplicatedTask = {
      ...common,
      repository_uid: String(row.repository_uid),
      doc_uid: stringOrNull(row.doc_uid),
      writer_name: String(row.writer_name),
      task_type: String(row.task_type),
      title: String(row.title),
      outline: String(row.outline),
      status: row.status as ReplicatedTask['status'],
      run_after_uid: stringOrNull(row.run_after_uid),
      error_msg: String(row.error_msg),
      sort_order: Number(row.sort_order),
      started_at: isoTimeOrNull(row.started_at),
      completed_at: isoTimeOrNull(row.completed_at),
    };
    return doc as ReplicatedDocByCollection[C];
  }
  const doc: ReplicatedDocument = {
    ...common,
    repository_uid: String(row.repository_uid),
    task_uid: stringOrNull(row.task_uid),
    title: String(row.title),
    filename: String(row.filename),
    content: String(row.content),
    language: String(row.language),
    sort_order: Number(row.sort_order),
    version: Number(row.version),
    is_latest: Boolean(row.is_latest),
    replaced_by_uid: stringOrNull(row.replaced_by_uid),
  };
  return doc as ReplicatedDocByCollection[C];
}

export interface StoredDoc<Doc extends ReplicatedDoc = ReplicatedDoc> {
  doc: Doc;
  repositoryId: number;
  serverVersion: number;
}

/**
 * The current server rows (tombstones included) with these uids, by uid. With `lock`, the rows
 * stay locked (FOR UPDATE, in uid order) until the transaction ends.
 */
export async function loadStoredDocs<C extends CollectionName>(
  db: Queryable,
  collection: C,
  uids: readonly string[],
  options: { lock?: boolean } = {},
): Promise<Map<string, StoredDoc<ReplicatedDocByCollection[C]>>> {
  const found = new Map<string, StoredDoc<ReplicatedDocByCollection[C]>>();
  if (uids.length === 0) return found;
  const rows = await db.query(
    `${COLLECTION_SQL[collection].select}
       JOIN ${textList('$1')} wanted ON wanted.value = x.uid
       ${options.lock ? 'ORDER BY x.uid FOR UPDATE OF x' : ''}`,
    [{ v: uids }],
  );
  for (const row of rows) {
    found.set(String(row.uid), {
      doc: toReplicatedDoc(collection, row),
      repositoryId: Number(row.repository_id),
      serverVersion: Number(row.server_version),
    });
  }
  return found;
}

/** Owners looked up by uid: `repository_uid` → repository id, `task_uid` → task id. */
export interface OwnerIds {
  repositoryId: number | null;
  taskId: number | null;
}

/**
 * The columns a push writes: the compared fields less the key, with references by uid
 * stored as the owners' numeric ids and `_deleted` as `deleted`.
 */
const COLUMN_OF_FIELD: Record<string, string> = {
  repository_uid: 'repository_id',
  task_uid: 'task_id',
  _deleted: 'deleted',
};
const writeColumns = (collection: CollectionName): readonly string[] =>
  COMPARED_FIELDS[collection]
    .filter((field) => field !== 'uid')
    .map((field) => COLUMN_OF_FIELD[field] ?? field);
const WRITE_COLUMNS: Record<CollectionName, readonly string[]> = {
  repositories: writeColumns('repositories'),
  tasks: writeColumns('tasks'),
  documents: writeColumns('documents'),
};

function columnValues(collection: CollectionName, doc: ReplicatedDoc, owners: OwnerIds): unknown[] {
  const source = doc as unknown as Record<string, unknown>;
  return WRITE_COLUMNS[collection].map((column) => {
    if (column === 'deleted') return doc._deleted;
    if (column === 'repository_id') return owners.repositoryId;
    if (column === 'task_id') return owners.taskId;
    return source[column] ?? null;
  });
}

/**
 * Inserts or updates one row from a replicated document. `id` and `server_version` are the
 * server's: the first comes from the sequence, the second from the version trigger.
 * Returns the row's id.
 */
export async function writeReplicatedDoc(
  tx: Queryable,
  collection: CollectionName,
  doc: ReplicatedDoc,
  owners: OwnerIds,
  existingId: number | null,
): Promise<number> {
  const columns = WRITE_COLUMNS[collection];
  const values = columnValues(collection, doc, owners);
  if (existingId === null) {
    const placeholders = values.map((_, index) => `$${index + 2}`).join(', ');
    const rows = await tx.query<{ id: number }>(
      `INSERT INTO ${collection} (uid, ${columns.join(', ')}) VALUES ($1, ${placeholders}) RETURNING id`,
      [doc.uid, ...values],
    );
    return Number(rows[0]!.id);
  }
  const assignments = columns.map((column, index) => `${column} = $${index + 2}`).join(', ');
  await tx.query(`UPDATE ${collection} SET ${assignments} WHERE id = $1`, [existingId, ...values]);
  return existingId;
}
