// Rows that several field tables have alike: the server's id and the uid every entity is keyed
// by, the times the writer stamps, the tombstone, and the owning repository of tasks and
// documents.
import type { FieldSpec } from './field-table.js';
import { REFERENCE, SERVER_ID, STAMP, TOMBSTONE, UID } from './field-types.js';

/** The server's id; instance-sync messages carry the sender's id of the row as `instanceSyncName`. */
export function serverIdField<const Name extends string>(instanceSyncName: Name) {
  return {
    type: SERVER_ID,
    rest: 'read',
    replication: true,
    instanceSync: { name: instanceSyncName, in: 'message' },
  } as const satisfies FieldSpec;
}

export const UID_FIELD = {
  type: UID,
  rest: 'create',
  create: 'optional',
  replication: true,
  instanceSync: 'row',
  compared: true,
} as const satisfies FieldSpec;

export const STAMP_FIELD = {
  type: STAMP,
  rest: 'read',
  replication: true,
  instanceSync: 'row',
  compared: true,
} as const satisfies FieldSpec;

/** Deleted rows leave the REST API's answers; replicas and peers learn of them. */
export const TOMBSTONE_FIELD = {
  type: TOMBSTONE,
  replication: '_deleted',
  instanceSync: 'row',
  compared: true,
} as const satisfies FieldSpec;

/** The repository a task or document belongs to: set when it is created, never moved. */
export const REPOSITORY_OWNER_FIELD = {
  type: REFERENCE,
  references: { entity: 'repositories', by: 'id' },
  rest: 'create',
  replication: 'repository_uid',
  instanceSync: 'message',
  compared: true,
} as const satisfies FieldSpec;
