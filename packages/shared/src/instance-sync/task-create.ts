import { z } from 'zod';
import { longTextSchema, mediumTextSchema, numericIdSchema, shortTextSchema, uidSchema } from '../common.js';
import {
  optionalRemoteIdSchema,
  optionalTimeSchema,
  runAfterSchema,
  wireMetadataSchema,
  wireTaskStatusSchema,
} from './wire-fields.js';
import { taskUsageRowSchema } from './task-usage-create.js';

const int32 = z.int().min(-2_147_483_648).max(2_147_483_647);

/** The task fields every instance-sync message carries (all optional; absent = default). */
export const wireTaskFieldsSchema = z.object({
  uid: uidSchema.optional(),
  writer_name: shortTextSchema.nullish().transform((v) => v ?? ''),
  task_type: shortTextSchema.nullish().transform((v) => v ?? ''),
  title: shortTextSchema.nullish().transform((v) => v ?? ''),
  outline: longTextSchema.nullish().transform((v) => v ?? ''),
  status: wireTaskStatusSchema.nullish().transform((v) => v ?? 'succeeded'),
  /** The sender's id of the task that must finish first (0 = none). */
  run_after: runAfterSchema,
  error_msg: mediumTextSchema.nullish().transform((v) => v ?? ''),
  sort_order: int32.nullish().transform((v) => v ?? 0),
  started_at: optionalTimeSchema,
  completed_at: optionalTimeSchema,
  metadata: wireMetadataSchema,
  created_at: optionalTimeSchema,
  updated_at: optionalTimeSchema,
  /** Ours only: a tombstone, so incremental copies carry deletions. */
  deleted: z.boolean().optional().default(false),
  /**
   * Ours only (`batch-upsert`): the task's LLM token use, replacing what the receiver holds
   * for it. Absent leaves the receiver's usages alone; openDeepWiki sends them with
   * `task-usage-create` instead.
   */
  task_usages: z.array(taskUsageRowSchema).max(10_000, 'send at most 10,000 usages per task').optional(),
});
export type WireTaskFields = z.infer<typeof wireTaskFieldsSchema>;

/**
 * `POST /task-create`: `task_id` and `repository_id` are the sender's. `task_id` may be
 * missing (openDeepWiki's first design): then nothing can be matched and a row is created.
 */
export const taskCreateRequestSchema = wireTaskFieldsSchema.extend({
  task_id: optionalRemoteIdSchema,
  repository_id: numericIdSchema,
  /** The sender's document id, if the task already has one (normally sent later). */
  doc_id: optionalRemoteIdSchema,
});
export type TaskCreateRequest = z.infer<typeof taskCreateRequestSchema>;

export const taskCreateResponseSchema = z.object({
  task_id: numericIdSchema,
  repository_id: numericIdSchema,
  title: z.string().optional(),
});
export type TaskCreateResponse = z.infer<typeof taskCreateResponseSchema>;
