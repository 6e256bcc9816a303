import { z } from 'zod';
import { numericIdSchema, shortTextSchema, mediumTextSchema, uidSchema } from '../common.js';
import { optionalTimeSchema, wireMetadataSchema, wireRepositoryStatusSchema } from './wire-fields.js';

/** `POST /repository-upsert`: `repository_id` is the sender's. Unknown fields are ignored. */
export const repositoryUpsertRequestSchema = z
  .object({
    repository_id: numericIdSchema,
    uid: uidSchema.optional(),
    name: shortTextSchema.min(1, 'must not be empty'),
    url: shortTextSchema.nullish(),
    description: mediumTextSchema.nullish(),
    clone_branch: shortTextSchema.nullish(),
    /** openDeepWiki's older name for clone_branch. */
    branch: shortTextSchema.nullish(),
    clone_commit_id: shortTextSchema.nullish(),
    size_mb: z.number().finite().nonnegative().nullish(),
    status: wireRepositoryStatusSchema.nullish(),
    error_msg: mediumTextSchema.nullish(),
    metadata: wireMetadataSchema,
    created_at: optionalTimeSchema,
    updated_at: optionalTimeSchema,
  })
  .transform(({ branch, ...rest }) => ({
    ...rest,
    url: rest.url ?? '',
    description: rest.description ?? '',
    clone_branch: rest.clone_branch ?? branch ?? '',
    clone_commit_id: rest.clone_commit_id ?? '',
    size_mb: rest.size_mb ?? 0,
    status: rest.status ?? 'ready',
    error_msg: rest.error_msg ?? '',
  }));
export type RepositoryUpsertRequest = z.infer<typeof repositoryUpsertRequestSchema>;

export const repositoryUpsertResponseSchema = z.object({
  repository_id: numericIdSchema,
  name: z.string(),
});
export type RepositoryUpsertResponse = z.infer<typeof repositoryUpsertResponseSchema>;
