import { z } from 'zod';
import {
  longTextSchema,
  mediumTextSchema,
  numericIdSchema,
  shortTextSchema,
  timestampSchema,
  uidSchema,
} from '../common.js';
import { metadataSchema } from './metadata-limits.js';

export const TASK_STATUSES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** A task (the job that writes one document) as the REST API returns it. */
export const taskSchema = z.object({
  id: z.number().int(),
  uid: uidSchema,
  repository_id: z.number().int(),
  doc_id: z.number().int().nullable(),
  writer_name: shortTextSchema,
  task_type: shortTextSchema,
  title: shortTextSchema,
  outline: z.string(),
  status: taskStatusSchema,
  /** The task that must finish before this one (PROTOCOL.md: a reference, not a time). */
  run_after_id: z.number().int().nullable(),
  error_msg: z.string(),
  sort_order: z.number().int(),
  started_at: timestampSchema.nullable(),
  completed_at: timestampSchema.nullable(),
  metadata: metadataSchema,
  created_at: timestampSchema,
  updated_at: timestampSchema,
});
export type Task = z.infer<typeof taskSchema>;

const taskFields = {
  doc_id: numericIdSchema.nullable(),
  writer_name: shortTextSchema,
  task_type: shortTextSchema,
  title: shortTextSchema,
  outline: longTextSchema,
  status: taskStatusSchema,
  run_after_id: numericIdSchema.nullable(),
  error_msg: mediumTextSchema,
  sort_order: z.int().min(-2_147_483_648).max(2_147_483_647),
  started_at: timestampSchema.nullable(),
  completed_at: timestampSchema.nullable(),
  metadata: metadataSchema,
};

export const taskCreateSchema = z.strictObject({
  uid: uidSchema.optional(),
  repository_id: numericIdSchema,
  ...taskFields,
  doc_id: taskFields.doc_id.default(null),
  writer_name: taskFields.writer_name.default(''),
  task_type: taskFields.task_type.default(''),
  title: taskFields.title.min(1, 'must not be empty'),
  outline: taskFields.outline.default(''),
  status: taskFields.status.default('pending'),
  run_after_id: taskFields.run_after_id.default(null),
  error_msg: taskFields.error_msg.default(''),
  sort_order: taskFields.sort_order.default(0),
  started_at: taskFields.started_at.default(null),
  completed_at: taskFields.completed_at.default(null),
  metadata: taskFields.metadata.default({}),
});
export type TaskCreate = z.infer<typeof taskCreateSchema>;

export const taskUpdateSchema = z
  .strictObject(taskFields)
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'name at least one field to change');
export type TaskUpdate = z.infer<typeof taskUpdateSchema>;
