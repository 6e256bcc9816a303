import { z } from 'zod';
import { repositoryFilterSchema } from './repository-filter.js';

/**
 * `GET /api/v1/sync/status?repositories=3,7`: count only these repositories (the ones a device
 * keeps offline), so a first sync can show an exact "n of N". The same filter as the changes
 * feed's, so that N counts exactly what the feed will serve. Without it the status counts
 * everything the caller may read; ids the caller cannot read count as nothing.
 */
export const syncStatusQuerySchema = z.strictObject({
  repositories: repositoryFilterSchema.optional(),
});
export type SyncStatusQuery = z.infer<typeof syncStatusQuerySchema>;
