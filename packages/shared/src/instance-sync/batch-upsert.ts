import { z } from 'zod';
import { numericIdSchema, uidSchema } from '../common.js';
import { wireTaskFieldsSchema } from './task-create.js';
import { wireDocumentFieldsSchema } from './document-create.js';
import { optionalRemoteIdSchema } from './wire-fields.js';
import { repositoryUpsertRequestSchema } from './repository-upsert.js';

// `POST /batch-upsert` (ours, offered through the `batch` capability): many tasks and
// documents per request, every id the sender's; the receiver resolves references through
// its mapping table, so the sender needs no round trip per row. Rows are checked one by one
// (`batchTaskRowSchema`...), so one bad row fails alone instead of failing the batch.

/**
 * The `references` capability's names for a task row's `doc_uid` and `run_after_uid`, and for
 * a document row's `replaced_by_uid`.
 */
export const DOC_UID_REFERENCE = 'doc_uid';
export const RUN_AFTER_UID_REFERENCE = 'run_after_uid';
export const REPLACED_BY_UID_REFERENCE = 'replaced_by_uid';

/**
 * A task row. `doc_uid` and `run_after_uid` (ours, offered through the `references`
 * capability) are the uids of the task's document and of the task it runs after, null for
 * none, beside `doc_id` and `run_after`, the sender's ids of them: the receiver sets each
 * reference as it writes the task instead of linking it afterwards. Absent, the document is
 * left to `links` and the task it runs after to `run_after`, as before.
 */
export const batchTaskRowSchema = wireTaskFieldsSchema.extend({
  task_id: numericIdSchema,
  doc_uid: uidSchema.nullable().optional(),
  doc_id: optionalRemoteIdSchema,
  run_after_uid: uidSchema.nullable().optional(),
});
export type BatchTaskRow = z.infer<typeof batchTaskRowSchema>;

/**
 * A document row. `replaced_by_uid` (ours, offered through the `references` capability) is the
 * uid of the document's newer version, null for none, beside `replaced_by`, the sender's id of
 * it: the receiver sets it as it writes the document. Absent, the newer version is left to
 * `links`, as before.
 */
export const batchDocumentRowSchema = wireDocumentFieldsSchema.extend({
  document_id: numericIdSchema,
  task_id: optionalRemoteIdSchema,
  replaced_by: optionalRemoteIdSchema,
  replaced_by_uid: uidSchema.nullable().optional(),
});
export type BatchDocumentRow = z.infer<typeof batchDocumentRowSchema>;

/** Sideways references, applied after every row they may name has arrived. */
export const batchLinksSchema = z.object({
  tasks: z.array(z.object({ task_id: numericIdSchema, doc_id: optionalRemoteIdSchema })).default([]),
  documents: z
    .array(z.object({ document_id: numericIdSchema, replaced_by: optionalRemoteIdSchema }))
    .default([]),
});
export type BatchLinks = z.infer<typeof batchLinksSchema>;

/**
 * The `batch_options` capability's names. `repository`: the request may carry the repository's
 * `repository-upsert` body, written in the request's transaction before its rows, so that a
 * small push is one round trip. `missing_tasks`: the sender may leave out the unchanged tasks
 * its documents name; a document whose task the receiver does not hold (never received, or
 * deleted here) fails with `missing: 'task'`, and the sender sends it again with its task.
 */
export const BATCH_REPOSITORY = 'repository';
export const BATCH_MISSING_TASKS = 'missing_tasks';

export const batchUpsertRequestSchema = z.object({
  repository_id: numericIdSchema,
  /** `repository-upsert`'s body for this repository (the `repository` option). */
  repository: repositoryUpsertRequestSchema.optional(),
  /** Documents whose task is not held here fail with `missing: 'task'` (`missing_tasks`). */
  missing_tasks: z.boolean().optional(),
  tasks: z.array(z.unknown()).max(10_000).default([]),
  documents: z.array(z.unknown()).max(10_000).default([]),
  links: batchLinksSchema.optional(),
});
export type BatchUpsertRequest = z.input<typeof batchUpsertRequestSchema>;

export const ROW_RESULTS = ['created', 'updated', 'unchanged', 'deleted', 'skipped', 'failed'] as const;
export const rowResultSchema = z.enum(ROW_RESULTS);
export type RowResult = z.infer<typeof rowResultSchema>;

/** One row's outcome: `id` the sender's, `local_id` the receiver's. */
export const batchRowOutcomeSchema = z.object({
  id: z.number().int(),
  local_id: z.number().int().nullable(),
  result: rowResultSchema,
  error: z.string().optional(),
  /** A document that failed because its task is not held here (`missing_tasks`). */
  missing: z.literal('task').optional(),
});
export type BatchRowOutcome = z.infer<typeof batchRowOutcomeSchema>;

export const batchUpsertResponseSchema = z.object({
  repository_id: z.number().int(),
  /** What the carried `repository` did, as `repository-upsert` answers it. */
  repository: z
    .object({
      repository_id: z.number().int(),
      name: z.string(),
      result: z.enum(['created', 'updated', 'unchanged']),
    })
    .optional(),
  tasks: z.array(batchRowOutcomeSchema),
  documents: z.array(batchRowOutcomeSchema),
  links: z.object({ applied: z.number().int(), missing: z.number().int() }).optional(),
});
export type BatchUpsertResponse = z.infer<typeof batchUpsertResponseSchema>;
