import { z } from 'zod';
import { numericIdSchema, shortTextSchema } from '../common.js';
import { REPOSITORY_FIELDS } from '../model/fields/repository-fields.js';
import { instanceSyncMessageShape, instanceSyncRowShape } from '../model/fields/zod-shapes.js';

/** The fields of `repository-upsert`, before openDeepWiki's older `branch` is read. */
export const repositoryUpsertFieldsSchema = z.object({
  ...instanceSyncMessageShape(REPOSITORY_FIELDS),
  ...instanceSyncRowShape(REPOSITORY_FIELDS),
  clone_branch: shortTextSchema.nullish(),
  /** openDeepWiki's older name for clone_branch. */
  branch: shortTextSchema.nullish(),
});

/** `POST /repository-upsert`: `repository_id` is the sender's. Unknown fields are ignored. */
export const repositoryUpsertRequestSchema = repositoryUpsertFieldsSchema.transform(
  ({ branch, ...rest }) => ({
    ...rest,
    clone_branch: rest.clone_branch ?? branch ?? REPOSITORY_FIELDS.clone_branch.instanceSyncDefault,
  }),
);
export type RepositoryUpsertRequest = z.infer<typeof repositoryUpsertRequestSchema>;

export const repositoryUpsertResponseSchema = z.object({
  repository_id: numericIdSchema,
  name: z.string(),
});
export type RepositoryUpsertResponse = z.infer<typeof repositoryUpsertResponseSchema>;
