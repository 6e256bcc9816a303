import { z } from 'zod';
import { numericIdSchema } from '../common.js';
import { DOCUMENT_FIELDS } from '../model/fields/document-fields.js';
import { instanceSyncMessageShape, instanceSyncRowShape } from '../model/fields/zod-shapes.js';

/** The document fields every instance-sync message carries (absent = default). */
export const wireDocumentFieldsSchema = z.object(instanceSyncRowShape(DOCUMENT_FIELDS));
export type WireDocumentFields = z.infer<typeof wireDocumentFieldsSchema>;

/**
 * `POST /document-create`: `document_id`, `repository_id` and `replaced_by` are the sender's
 * (openDeepWiki sends its own `replaced_by` and never remaps it); `task_id` is the
 * receiver's, taken from its answer to `task-create`.
 */
export const documentCreateRequestSchema = wireDocumentFieldsSchema.extend(
  instanceSyncMessageShape(DOCUMENT_FIELDS),
);
export type DocumentCreateRequest = z.infer<typeof documentCreateRequestSchema>;

export const documentCreateResponseSchema = z.object({
  document_id: numericIdSchema,
  repository_id: numericIdSchema,
  task_id: numericIdSchema.nullable().optional(),
});
export type DocumentCreateResponse = z.infer<typeof documentCreateResponseSchema>;
