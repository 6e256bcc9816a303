// The local-only `sync_conflicts` collection: one record per conflict the server reported,
// kept until the user resolves it. It is never replicated.
import type { RxJsonSchema } from 'rxdb/plugins/core';
import type { CollectionName, ConflictHunk } from '@wikisync/shared';

export const CONFLICT_STATUS = { open: 'open', resolved: 'resolved' } as const;
export type ConflictStatus = (typeof CONFLICT_STATUS)[keyof typeof CONFLICT_STATUS];

/** A replicated document state with its `_deleted` flag, as the conflict handler sees it. */
export type DocState = Record<string, unknown> & { uid: string; _deleted: boolean };

export interface SyncConflictDoc {
  id: string;
  /** Which replicated collection (`collection` is a reserved name in RxDB schemas). */
  collection_name: CollectionName;
  uid: string;
  /** The server state this replica last knew (null: it had never seen the row). */
  base: DocState | null;
  /** This replica's state that the server refused. */
  local: DocState;
  /** The server's state at the time. */
  server: DocState;
  /** What the replica kept meanwhile (the server state, or a merge it pushed); the base a later
   * resolution is checked against. */
  kept: DocState;
  /** The colliding line hunks of the long text fields (text-merge.ts); absent in records
   * written before line merging, and empty when only short fields collide. */
  hunks?: ConflictHunk[];
  recorded_at: string;
  status: ConflictStatus;
  resolution: string | null;
  resolved_at: string | null;
}

export const syncConflictSchema: RxJsonSchema<SyncConflictDoc> = {
  title: 'sync_conflicts',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', maxLength: 200 },
    collection_name: { type: 'string', enum: ['repositories', 'tasks', 'documents'] },
    uid: { type: 'string', maxLength: 64 },
    base: { type: ['object', 'null'], additionalProperties: true },
    local: { type: 'object', additionalProperties: true },
    server: { type: 'object', additionalProperties: true },
    kept: { type: 'object', additionalProperties: true },
    hunks: { type: 'array', items: { type: 'object', additionalProperties: true } },
    recorded_at: { type: 'string', maxLength: 40 },
    status: { type: 'string', enum: ['open', 'resolved'] },
    resolution: { type: ['string', 'null'] },
    resolved_at: { type: ['string', 'null'] },
  },
  required: [
    'id',
    'collection_name',
    'uid',
    'base',
    'local',
    'server',
    'kept',
    'recorded_at',
    'status',
    'resolution',
    'resolved_at',
  ],
};

/** Version 1 added the optional `hunks`: older records simply have none. */
export const syncConflictMigrations = {
  1: (doc: SyncConflictDoc) => doc,
};
