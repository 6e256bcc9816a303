import { z } from 'zod';
import { longTextSchema, mediumTextSchema, shortTextSchema, timestampSchema, uidSchema } from '../common.js';
import { metadataSchema } from '../model/metadata-limits.js';
import { taskStatusSchema } from '../model/task.js';

/** A task as replication carries it. `repository_uid` must exist; `doc_uid` is a soft pointer. */
export const replicatedTaskSchema = z.strictObject({
  uid: uidSchema,
  id: z.int().positive().nullable(),
  repository_uid: uidSchema,
  doc_uid: uidSchema.nullable(),
  writer_name: shortTextSchema,
  task_type: shortTextSchema,
  title: shortTextSchema,
  outline: longTextSchema,
  status: taskStatusSchema,
  run_after: timestampSchema.nullable(),
  error_msg: mediumTextSchema,
  sort_order: z.int().min(-2_147_483_648).max(2_147_483_647),
  started_at: timestampSchema.nullable(),
  completed_at: timestampSchema.nullable(),
  metadata: metadataSchema,
  created_at: timestampSchema,
  updated_at: timestampSchema,
  _deleted: z.boolean(),
});
export type ReplicatedTask = z.infer<typeof replicatedTaskSchema>;
