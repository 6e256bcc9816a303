import { z } from 'zod';
import { collectionNameSchema, REPLICATION_DEFAULT_LIMIT, REPLICATION_MAX_BATCH } from './collection-name.js';
import { repositoryFilterSchema } from './repository-filter.js';

/**
 * `GET /api/v1/sync/changes?collection=C&checkpoint=N&limit=L[&repositories=3,7]`; without
 * `repositories`, every readable repository.
 */
export const changesQuerySchema = z.strictObject({
  collection: collectionNameSchema,
  checkpoint: z.coerce
    .number({ message: 'must be a server_version number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(Number.MAX_SAFE_INTEGER)
    .default(0),
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, `must be between 1 and ${REPLICATION_MAX_BATCH}`)
    .max(REPLICATION_MAX_BATCH, `must be between 1 and ${REPLICATION_MAX_BATCH}`)
    .default(REPLICATION_DEFAULT_LIMIT),
  repositories: repositoryFilterSchema.optional(),
});
export type ChangesQuery = z.infer<typeof changesQuerySchema>;
