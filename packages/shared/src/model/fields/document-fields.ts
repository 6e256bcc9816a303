// The document's fields: one row each, what it holds and where it travels (field-table.ts).
// To add a field: add its row here and a migration that adds its column (and recreates the
// `document_rows` view, whose `d.*` is expanded when it is created).
import { defineFields, EVERY_WIRE } from './field-table.js';
import {
  REPOSITORY_OWNER_FIELD,
  serverIdField,
  STAMP_FIELD,
  TOMBSTONE_FIELD,
  UID_FIELD,
} from './common-fields.js';
import { BOOLEAN, INT32, LONG_TEXT, METADATA, REFERENCE, SHORT_TEXT, VERSION } from './field-types.js';

export const DOCUMENT_FIELDS = defineFields({
  id: serverIdField('document_id'),
  uid: UID_FIELD,
  repository_id: REPOSITORY_OWNER_FIELD,
  /** The task that wrote it. */
  task_id: {
    type: REFERENCE,
    label: 'Written by task',
    nullable: true,
    references: { entity: 'tasks', by: 'id' },
    default: null,
    ...EVERY_WIRE,
    replication: 'task_uid',
    instanceSync: 'message',
  },
  title: { type: SHORT_TEXT, create: 'non-empty', instanceSyncDefault: '', ...EVERY_WIRE },
  filename: { type: SHORT_TEXT, default: '', ...EVERY_WIRE },
  content: { type: LONG_TEXT, label: 'Text', default: '', ...EVERY_WIRE },
  language: { type: SHORT_TEXT, default: '', ...EVERY_WIRE },
  sort_order: { type: INT32, default: 0, ...EVERY_WIRE },
  version: { type: VERSION, default: 1, ...EVERY_WIRE },
  is_latest: { type: BOOLEAN, label: 'Latest version', default: true, ...EVERY_WIRE },
  /** The newer version of this document, a pointer: either version may arrive first. */
  replaced_by: {
    type: REFERENCE,
    label: 'Newer version',
    nullable: true,
    references: { entity: 'documents', by: 'uid' },
    default: null,
    ...EVERY_WIRE,
    replication: 'replaced_by_uid',
    instanceSync: 'message',
  },
  metadata: { type: METADATA, default: {}, ...EVERY_WIRE },
  created_at: STAMP_FIELD,
  updated_at: STAMP_FIELD,
  deleted: TOMBSTONE_FIELD,
});
