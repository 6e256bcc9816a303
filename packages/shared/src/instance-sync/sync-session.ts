import { z } from 'zod';
import { numericIdSchema } from '../common.js';
import { syncDirectionSchema, syncSessionStatusSchema } from './wire-fields.js';
import { rowResultSchema } from './batch-upsert.js';

export const SYNC_SESSION_KINDS = ['manual', 'scheduled'] as const;

/** One push or pull, as `GET /api/sync/sessions` lists it. */
export const syncSessionSchema = z.object({
  id: z.string(),
  type: z.enum(SYNC_SESSION_KINDS),
  direction: syncDirectionSchema,
  peer: z.string(),
  target_id: z.number().int().nullable(),
  repository_id: z.number().int().nullable(),
  remote_repository_id: z.number().int().nullable(),
  repository_name: z.string(),
  status: syncSessionStatusSchema,
  transport: z.string(),
  incremental: z.boolean(),
  clear: z.boolean(),
  total_tasks: z.number().int(),
  completed_tasks: z.number().int(),
  failed_tasks: z.number().int(),
  counts: z.object({
    total: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    deleted: z.number().int(),
    failed: z.number().int(),
  }),
  current_task: z.string(),
  error: z.string().nullable(),
  started_by: z.string(),
  started_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
});
export type SyncSession = z.infer<typeof syncSessionSchema>;

/** One task or document copied (or not) in a session. */
export const syncItemSchema = z.object({
  id: z.number().int(),
  entity: z.enum(['repository', 'task', 'document']),
  title: z.string(),
  status: rowResultSchema,
  source_id: z.number().int().nullable(),
  target_id: z.number().int().nullable(),
  error: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string(),
});
export type SyncItem = z.infer<typeof syncItemSchema>;

export const syncSessionDetailSchema = syncSessionSchema.extend({ items: z.array(syncItemSchema) });
export type SyncSessionDetail = z.infer<typeof syncSessionDetailSchema>;

export const syncSessionListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  repository_id: numericIdSchema.optional(),
  direction: syncDirectionSchema.optional(),
});
export type SyncSessionListQuery = z.infer<typeof syncSessionListQuerySchema>;

export const syncItemListQuerySchema = z.strictObject({
  item_limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  item_offset: z.coerce.number().int().min(0).default(0),
});
