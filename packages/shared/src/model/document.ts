import { z } from 'zod';
import { longTextSchema, numericIdSchema, shortTextSchema, timestampSchema, uidSchema } from '../common.js';
import { metadataSchema } from './metadata-limits.js';

/** A document (markdown written by a task) as the REST API returns it. */
export const documentSchema = z.object({
  id: z.number().int(),
  uid: uidSchema,
  repository_id: z.number().int(),
  task_id: z.number().int().nullable(),
  title: shortTextSchema,
  filename: shortTextSchema,
  content: z.string(),
  language: shortTextSchema,
  sort_order: z.number().int(),
  version: z.number().int(),
  is_latest: z.boolean(),
  replaced_by: z.number().int().nullable(),
  metadata: metadataSchema,
  created_at: timestampSchema,
  updated_at: timestampSchema,
});
export type Document = z.infer<typeof documentSchema>;

const documentFields = {
  task_id: numericIdSchema.nullable(),
  title: shortTextSchema,
  filename: shortTextSchema,
  content: longTextSchema,
  language: shortTextSchema,
  sort_order: z.int().min(-2_147_483_648).max(2_147_483_647),
  version: z.int().min(1).max(2_147_483_647),
  is_latest: z.boolean(),
  replaced_by: numericIdSchema.nullable(),
  metadata: metadataSchema,
};

export const documentCreateSchema = z.strictObject({
  uid: uidSchema.optional(),
  repository_id: numericIdSchema,
  ...documentFields,
  task_id: documentFields.task_id.default(null),
  title: documentFields.title.min(1, 'must not be empty'),
  filename: documentFields.filename.default(''),
  content: documentFields.content.default(''),
  language: documentFields.language.default(''),
  sort_order: documentFields.sort_order.default(0),
  version: documentFields.version.default(1),
  is_latest: documentFields.is_latest.default(true),
  replaced_by: documentFields.replaced_by.default(null),
  metadata: documentFields.metadata.default({}),
});
export type DocumentCreate = z.infer<typeof documentCreateSchema>;

export const documentUpdateSchema = z
  .strictObject(documentFields)
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'name at least one field to change');
export type DocumentUpdate = z.infer<typeof documentUpdateSchema>;
