import { z } from 'zod';
import { longTextSchema, numericIdSchema, shortTextSchema, uidSchema } from '../common.js';
import { optionalRemoteIdSchema, optionalTimeSchema, wireMetadataSchema } from './wire-fields.js';

const int32 = z.int().min(-2_147_483_648).max(2_147_483_647);

/** The document fields every instance-sync message carries (absent = default). */
export const wireDocumentFieldsSchema = z.object({
  uid: uidSchema.optional(),
  title: shortTextSchema.nullish().transform((v) => v ?? ''),
  filename: shortTextSchema.nullish().transform((v) => v ?? ''),
  content: longTextSchema.nullish().transform((v) => v ?? ''),
  language: shortTextSchema.nullish().transform((v) => v ?? ''),
  sort_order: int32.nullish().transform((v) => v ?? 0),
  version: int32
    .min(1)
    .nullish()
    .transform((v) => v ?? 1),
  is_latest: z
    .boolean()
    .nullish()
    .transform((v) => v ?? true),
  metadata: wireMetadataSchema,
  created_at: optionalTimeSchema,
  updated_at: optionalTimeSchema,
  deleted: z.boolean().optional().default(false),
});
export type WireDocumentFields = z.infer<typeof wireDocumentFieldsSchema>;

/**
 * `POST /document-create`: `document_id`, `repository_id` and `replaced_by` are the sender's
 * (openDeepWiki sends its own `replaced_by` and never remaps it); `task_id` is the
 * receiver's, taken from its answer to `task-create`.
 */
export const documentCreateRequestSchema = wireDocumentFieldsSchema.extend({
  document_id: optionalRemoteIdSchema,
  repository_id: numericIdSchema,
  task_id: optionalRemoteIdSchema,
  replaced_by: optionalRemoteIdSchema,
});
export type DocumentCreateRequest = z.infer<typeof documentCreateRequestSchema>;

export const documentCreateResponseSchema = z.object({
  document_id: numericIdSchema,
  repository_id: numericIdSchema,
  task_id: numericIdSchema.nullable().optional(),
});
export type DocumentCreateResponse = z.infer<typeof documentCreateResponseSchema>;
