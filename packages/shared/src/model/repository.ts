import { z } from 'zod';
import { mediumTextSchema, numericIdSchema, shortTextSchema, timestampSchema, uidSchema } from '../common.js';
import { metadataSchema } from './metadata-limits.js';
import { httpUrlOrEmptySchema } from './safe-url.js';

export const REPOSITORY_STATUSES = [
  'pending',
  'cloning',
  'ready',
  'analyzing',
  'completed',
  'error',
] as const;
export const repositoryStatusSchema = z.enum(REPOSITORY_STATUSES);
export type RepositoryStatus = z.infer<typeof repositoryStatusSchema>;

/** A repository as the REST API returns it. */
export const repositorySchema = z.object({
  id: z.number().int(),
  uid: uidSchema,
  name: shortTextSchema,
  url: shortTextSchema,
  description: z.string(),
  clone_branch: shortTextSchema,
  clone_commit_id: shortTextSchema,
  size_mb: z.number(),
  status: repositoryStatusSchema,
  error_msg: z.string(),
  metadata: metadataSchema,
  created_at: timestampSchema,
  updated_at: timestampSchema,
});
export type Repository = z.infer<typeof repositorySchema>;

const repositoryFields = {
  name: shortTextSchema.min(1, 'must not be empty'),
  url: httpUrlOrEmptySchema,
  description: mediumTextSchema,
  clone_branch: shortTextSchema,
  clone_commit_id: shortTextSchema,
  size_mb: z.number().finite().nonnegative(),
  status: repositoryStatusSchema,
  error_msg: mediumTextSchema,
  metadata: metadataSchema,
};

export const repositoryCreateSchema = z.strictObject({
  uid: uidSchema.optional(),
  ...repositoryFields,
  url: repositoryFields.url.default(''),
  description: repositoryFields.description.default(''),
  clone_branch: repositoryFields.clone_branch.default('main'),
  clone_commit_id: repositoryFields.clone_commit_id.default(''),
  size_mb: repositoryFields.size_mb.default(0),
  status: repositoryFields.status.default('pending'),
  error_msg: repositoryFields.error_msg.default(''),
  metadata: repositoryFields.metadata.default({}),
});
export type RepositoryCreate = z.infer<typeof repositoryCreateSchema>;

export const repositoryUpdateSchema = z
  .strictObject(repositoryFields)
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'name at least one field to change');
export type RepositoryUpdate = z.infer<typeof repositoryUpdateSchema>;

export const repositoryIdParamSchema = numericIdSchema;
