import { z } from 'zod';
import { mediumTextSchema, shortTextSchema, timestampSchema, uidSchema } from '../common.js';
import { metadataSchema } from '../model/metadata-limits.js';
import { repositoryStatusSchema } from '../model/repository.js';
import { httpUrlOrEmptySchema } from '../model/safe-url.js';

/**
 * A repository as replication carries it: flat, keyed by `uid`. `id` is the server's number
 * (null until the server has seen the row); the server never takes it from a push.
 */
export const replicatedRepositorySchema = z.strictObject({
  uid: uidSchema,
  /** The server's number; a client that created the row offline sends none (PROTOCOL.md §1). */
  id: z.int().positive().nullish(),
  name: shortTextSchema.min(1, 'must not be empty'),
  url: httpUrlOrEmptySchema,
  description: mediumTextSchema,
  clone_branch: shortTextSchema,
  clone_commit_id: shortTextSchema,
  size_mb: z.number().finite().nonnegative(),
  status: repositoryStatusSchema,
  error_msg: mediumTextSchema,
  metadata: metadataSchema,
  created_at: timestampSchema,
  updated_at: timestampSchema,
  _deleted: z.boolean(),
});
export type ReplicatedRepository = z.infer<typeof replicatedRepositorySchema>;
