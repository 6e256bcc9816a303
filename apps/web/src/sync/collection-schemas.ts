// RxDB schemas of the three replicated collections. They mirror the wire documents of
// packages/shared/src/replication exactly: every field is replicated, and `id` is the
// server's number (null until the server has seen the row).
import type { RxJsonSchema } from 'rxdb/plugins/core';
import {
  COMPARED_FIELDS,
  type CollectionName,
  type ReplicatedDocument,
  type ReplicatedRepository,
  type ReplicatedTask,
} from '@wikisync/shared';

/** A replicated document as RxDB stores it: `_deleted` is RxDB's own field, not a property. */
export type LocalDoc<T> = Omit<T, '_deleted'>;
export type RepositoryDoc = LocalDoc<ReplicatedRepository>;
export type TaskDoc = LocalDoc<ReplicatedTask>;
export type DocumentDoc = LocalDoc<ReplicatedDocument>;

/** Every replicated field is required; the list is the one the server compares by. */
function requiredFields(collection: CollectionName) {
  // `_deleted` is RxDB's own flag, not a schema property; `id` is the server's number.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxJsonSchema types `required` per document type
  return ['id', ...COMPARED_FIELDS[collection].filter((field) => field !== '_deleted')] as any[];
}

const uid = { type: 'string', maxLength: 64 } as const;
const nullableUid = { type: ['string', 'null'], maxLength: 64 } as const;
const text = { type: 'string' } as const;
const time = { type: 'string', maxLength: 40 } as const;
const nullableTime = { type: ['string', 'null'] } as const;
const serverId = { type: ['integer', 'null'] } as const;
const metadata = { type: 'object', additionalProperties: true } as const;
const int32 = { type: 'integer', minimum: -2_147_483_648, maximum: 2_147_483_647, multipleOf: 1 } as const;

export const repositorySchema: RxJsonSchema<RepositoryDoc> = {
  title: 'repositories',
  version: 0,
  primaryKey: 'uid',
  type: 'object',
  additionalProperties: false,
  properties: {
    uid,
    id: serverId,
    name: text,
    url: text,
    description: text,
    clone_branch: text,
    clone_commit_id: text,
    size_mb: { type: 'number', minimum: 0 },
    status: { type: 'string', enum: ['pending', 'cloning', 'ready', 'analyzing', 'completed', 'error'] },
    error_msg: text,
    metadata,
    created_at: time,
    updated_at: time,
  },
  required: requiredFields('repositories'),
};

export const taskSchema: RxJsonSchema<TaskDoc> = {
  title: 'tasks',
  // 1: `run_after` (a time) became `run_after_uid`, the task that must finish first.
  version: 1,
  primaryKey: 'uid',
  type: 'object',
  additionalProperties: false,
  properties: {
    uid,
    id: serverId,
    repository_uid: uid,
    doc_uid: nullableUid,
    writer_name: text,
    task_type: text,
    title: text,
    outline: text,
    status: { type: 'string', enum: ['pending', 'queued', 'running', 'succeeded', 'failed', 'canceled'] },
    run_after_uid: nullableUid,
    error_msg: text,
    sort_order: int32,
    started_at: nullableTime,
    completed_at: nullableTime,
    metadata,
    created_at: time,
    updated_at: time,
  },
  required: requiredFields('tasks'),
  indexes: [['repository_uid', 'sort_order']],
};

/**
 * How a replica written by an older app reaches the current schema, for each version. A
 * migrated document keeps its place in the push queue, so an edit made offline before an
 * upgrade is still pushed after it.
 */
export const taskMigrations = {
  // The old run_after held a time, which names no task; the server dropped those values in
  // the same change (migration 005), so the replica and the server agree on null.
  1: (old: Record<string, unknown>) => {
    const { run_after: _time, ...task } = old;
    return { ...task, run_after_uid: null };
  },
};

export const documentSchema: RxJsonSchema<DocumentDoc> = {
  title: 'documents',
  version: 0,
  primaryKey: 'uid',
  type: 'object',
  additionalProperties: false,
  properties: {
    uid,
    id: serverId,
    repository_uid: uid,
    task_uid: nullableUid,
    title: text,
    filename: text,
    content: text,
    language: text,
    sort_order: int32,
    version: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
    is_latest: { type: 'boolean' },
    replaced_by_uid: nullableUid,
    metadata,
    created_at: time,
    updated_at: time,
  },
  required: requiredFields('documents'),
  indexes: [['repository_uid', 'sort_order']],
};
