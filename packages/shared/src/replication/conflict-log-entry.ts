import { z } from 'zod';
import { timestampSchema } from '../common.js';
import { collectionNameSchema, REPLICATION_MAX_BATCH } from './collection-name.js';
import { CONFLICT_RESOLUTIONS } from './resolve-conflict-request.js';
import { conflictHunksSchema } from './conflict-hunk.js';

const state = z.record(z.string(), z.unknown()).nullable();

/** One logged resolution, as `GET /api/v1/sync/conflicts` lists it (newest first). */
export const conflictLogEntrySchema = z.object({
  id: z.int(),
  collection: collectionNameSchema,
  uid: z.string(),
  resolution: z.enum(CONFLICT_RESOLUTIONS),
  user_name: z.string(),
  resolved_at: timestampSchema,
  base: state,
  local: state,
  server: state,
  result: state,
  /** The colliding line hunks and their decisions (null: none were sent). Optional, so an
   * older server's entries still parse. */
  hunks: conflictHunksSchema.nullable().optional(),
});
export type ConflictLogEntry = z.infer<typeof conflictLogEntrySchema>;

export const conflictListQuerySchema = z.strictObject({
  collection: collectionNameSchema.optional(),
  uid: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(REPLICATION_MAX_BATCH).default(100),
  /** Only entries older than this id: the `id` of the last entry of the previous page. */
  before: z.coerce.number().int().min(1).optional(),
});
export type ConflictListQuery = z.infer<typeof conflictListQuerySchema>;
