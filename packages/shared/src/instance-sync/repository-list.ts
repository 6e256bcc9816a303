import { z } from 'zod';
import { numericIdSchema } from '../common.js';

/** `GET /repository-list` (source): the repositories a puller may copy. */
export const remoteRepositorySchema = z.object({
  repository_id: numericIdSchema,
  name: z.string(),
  url: z.string().nullish(),
  clone_branch: z.string().nullish(),
  status: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type RemoteRepository = z.infer<typeof remoteRepositorySchema>;

export const repositoryListResponseSchema = z.array(remoteRepositorySchema);
