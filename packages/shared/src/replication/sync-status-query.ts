import { z } from 'zod';
import { uidSchema } from '../common.js';

/** Most repositories one status request may name; a device keeps far fewer offline. */
export const SYNC_STATUS_MAX_REPOSITORIES = 500;

/**
 * `GET /api/v1/sync/status?repositories=uid1,uid2`: count only these repositories (the ones
 * a device keeps offline), so a first sync can show an exact "n of N". Without it the status
 * counts everything the caller may read, as before. Repositories are named by uid, the
 * identity the replica knows them by; uids the caller cannot read count as nothing.
 */
export const syncStatusQuerySchema = z.strictObject({
  repositories: z
    .string()
    .transform((value) => value.split(',').map((uid) => uid.trim()))
    .pipe(
      z
        .array(uidSchema.describe('a repository uid'), {
          message: 'must be a comma-separated list of repository uids',
        })
        .min(1)
        .max(SYNC_STATUS_MAX_REPOSITORIES, `may name at most ${SYNC_STATUS_MAX_REPOSITORIES} repositories`),
    )
    .optional(),
});
export type SyncStatusQuery = z.infer<typeof syncStatusQuerySchema>;
