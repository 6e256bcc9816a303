// The repository's fields: one row each, what it holds and where it travels (field-table.ts).
// To add a field: add its row here and a migration that adds its column.
import type { z } from 'zod';
import { defineFields, EVERY_WIRE } from './field-table.js';
import { serverIdField, STAMP_FIELD, UID_FIELD } from './common-fields.js';
import { enumType, LINK, MEDIUM_TEXT, METADATA, NAME, SHORT_TEXT, SIZE, TOMBSTONE } from './field-types.js';

export const REPOSITORY_STATUSES = [
  'pending',
  'cloning',
  'ready',
  'analyzing',
  'completed',
  'error',
] as const;

/** Words a peer may send for a repository status, and ours for them. */
const REPOSITORY_STATUS_ALIASES = { failed: 'error', succeeded: 'completed' } as const;

export const REPOSITORY_FIELDS = defineFields({
  id: serverIdField('repository_id'),
  uid: UID_FIELD,
  name: { type: NAME, ...EVERY_WIRE },
  url: { type: LINK, label: 'URL', default: '', ...EVERY_WIRE },
  description: { type: MEDIUM_TEXT, default: '', ...EVERY_WIRE },
  // A peer that names no branch leaves it unknown rather than claiming `main`.
  clone_branch: { type: SHORT_TEXT, default: 'main', instanceSyncDefault: '', ...EVERY_WIRE },
  clone_commit_id: { type: SHORT_TEXT, label: 'Clone commit', default: '', ...EVERY_WIRE },
  size_mb: { type: SIZE, label: 'Size (MB)', default: 0, ...EVERY_WIRE },
  // What a peer sends without a status has been cloned already.
  status: {
    type: enumType(REPOSITORY_STATUSES, REPOSITORY_STATUS_ALIASES),
    default: 'pending',
    instanceSyncDefault: 'ready',
    ...EVERY_WIRE,
  },
  error_msg: { type: MEDIUM_TEXT, label: 'Error message', default: '', ...EVERY_WIRE },
  metadata: { type: METADATA, default: {}, ...EVERY_WIRE },
  created_at: STAMP_FIELD,
  updated_at: STAMP_FIELD,
  // Deleted repositories leave REST answers; a peer clears a repository instead.
  deleted: { type: TOMBSTONE, replication: '_deleted', compared: true },
});

export const repositoryStatusSchema = REPOSITORY_FIELDS.status.type.rest;
export type RepositoryStatus = z.infer<typeof repositoryStatusSchema>;
