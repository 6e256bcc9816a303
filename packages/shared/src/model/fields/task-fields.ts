// The task's fields: one row each, what it holds and where it travels (field-table.ts).
// To add a field: add its row here and a migration that adds its column (and recreates the
// `task_rows` view, whose `t.*` is expanded when it is created).
import { runAfterSchema } from '../../instance-sync/wire-fields.js';
import type { z } from 'zod';
import { defineFields, EVERY_WIRE } from './field-table.js';
import {
  REPOSITORY_OWNER_FIELD,
  serverIdField,
  STAMP_FIELD,
  TOMBSTONE_FIELD,
  UID_FIELD,
} from './common-fields.js';
import {
  enumType,
  INT32,
  LONG_TEXT,
  MEDIUM_TEXT,
  METADATA,
  REFERENCE,
  SHORT_TEXT,
  TIMESTAMP,
} from './field-types.js';

export const TASK_STATUSES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'canceled'] as const;

/** openDeepWiki's words for task statuses, and ours for them. */
const TASK_STATUS_ALIASES = {
  completed: 'succeeded',
  success: 'succeeded',
  done: 'succeeded',
  cancelled: 'canceled',
  error: 'failed',
} as const;

export const TASK_FIELDS = defineFields({
  id: serverIdField('task_id'),
  uid: UID_FIELD,
  repository_id: REPOSITORY_OWNER_FIELD,
  /** The task's current document. */
  doc_id: {
    type: REFERENCE,
    label: 'Current document',
    nullable: true,
    references: { entity: 'documents', by: 'uid' },
    default: null,
    ...EVERY_WIRE,
    replication: 'doc_uid',
    instanceSync: 'message',
  },
  writer_name: { type: SHORT_TEXT, label: 'Writer', default: '', ...EVERY_WIRE },
  task_type: { type: SHORT_TEXT, label: 'Type', default: '', ...EVERY_WIRE },
  title: { type: SHORT_TEXT, create: 'non-empty', instanceSyncDefault: '', ...EVERY_WIRE },
  outline: { type: LONG_TEXT, default: '', ...EVERY_WIRE },
  // What a peer sends without a status is finished work it copies.
  status: {
    type: enumType(TASK_STATUSES, TASK_STATUS_ALIASES),
    default: 'pending',
    instanceSyncDefault: 'succeeded',
    ...EVERY_WIRE,
  },
  /** The task that must finish first (PROTOCOL.md: a reference, not a time). */
  run_after_id: {
    type: REFERENCE,
    label: 'Runs after',
    nullable: true,
    references: { entity: 'tasks', by: 'uid' },
    default: null,
    ...EVERY_WIRE,
    replication: 'run_after_uid',
    instanceSync: { name: 'run_after', in: 'row' },
    instanceSyncSchema: runAfterSchema,
  },
  error_msg: { type: MEDIUM_TEXT, label: 'Error message', default: '', ...EVERY_WIRE },
  sort_order: { type: INT32, default: 0, ...EVERY_WIRE },
  started_at: { type: TIMESTAMP, nullable: true, default: null, ...EVERY_WIRE },
  completed_at: { type: TIMESTAMP, nullable: true, default: null, ...EVERY_WIRE },
  metadata: { type: METADATA, default: {}, ...EVERY_WIRE },
  created_at: STAMP_FIELD,
  updated_at: STAMP_FIELD,
  deleted: TOMBSTONE_FIELD,
});

export const taskStatusSchema = TASK_FIELDS.status.type.rest;
export type TaskStatus = z.infer<typeof taskStatusSchema>;
