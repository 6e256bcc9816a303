import { z } from 'zod';
import { numericIdSchema } from '../common.js';
import { TASK_FIELDS } from '../model/fields/task-fields.js';
import { instanceSyncMessageShape, instanceSyncRowShape } from '../model/fields/zod-shapes.js';
import { taskUsageRowSchema } from './task-usage-create.js';

/** The task fields every instance-sync message carries (all optional; absent = default). */
export const wireTaskFieldsSchema = z.object({
  ...instanceSyncRowShape(TASK_FIELDS),
  /**
   * Ours only (`batch-upsert`): the task's LLM token use, replacing what the receiver holds
   * for it. Absent leaves the receiver's usages alone; openDeepWiki sends them with
   * `task-usage-create` instead.
   */
  task_usages: z.array(taskUsageRowSchema).max(10_000, 'send at most 10,000 usages per task').optional(),
});
export type WireTaskFields = z.infer<typeof wireTaskFieldsSchema>;

/**
 * `POST /task-create`: `task_id`, `repository_id` and `doc_id` are the sender's. `task_id` may
 * be missing (openDeepWiki's first design): then nothing can be matched and a row is created.
 * `doc_id` is there if the task already has a document (normally it is linked later).
 */
export const taskCreateRequestSchema = wireTaskFieldsSchema.extend(instanceSyncMessageShape(TASK_FIELDS));
export type TaskCreateRequest = z.infer<typeof taskCreateRequestSchema>;

export const taskCreateResponseSchema = z.object({
  task_id: numericIdSchema,
  repository_id: numericIdSchema,
  title: z.string().optional(),
});
export type TaskCreateResponse = z.infer<typeof taskCreateResponseSchema>;
