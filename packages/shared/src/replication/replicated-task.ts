import { z } from 'zod';
import { longTextSchema, mediumTextSchema, shortTextSchema, timestampSchema, uidSchema } from '../common.js';
import { metadataSchema } from '../model/metadata-limits.js';
import { taskStatusSchema } from '../model/task.js';

/** A task as replication carries it. `repository_uid` must exist; `doc_uid` and `run_after_uid` are soft pointers. */
export const replicatedTaskSchema = z.strictObject({
  uid: uidSchema,
  /** The server's number; a client that created the row offline sends none (PROTOCOL.md §1). */
  id: z.int().positive().nullish(),
  repository_uid: uidSchema,
  doc_uid: uidSchema.nullable(),
  writer_name: shortTextSchema,
  task_type: shortTextSchema,
  title: shortTextSchema,
  outline: longTextSchema,
  status: taskStatusSchema,
  /** The task that must finish first: a soft pointer by uid, like `doc_uid`. */
  run_after_uid: uidSchema.nullable(),
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
