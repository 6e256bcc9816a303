import { z } from 'zod';
import { collectionNameSchema } from './collection-name.js';

/** A repository the caller may read now, as `status` lists it (a client detects lost grants). */
export const readableRepositorySchema = z.object({
  id: z.int(),
  uid: z.string(),
  name: z.string(),
  may_write: z.boolean(),
});
export type ReadableRepository = z.infer<typeof readableRepositorySchema>;

/** The `data` of `GET /api/v1/sync/status`, counted over what the caller may read. */
export const syncStatusSchema = z.object({
  server_time: z.string(),
  protocol_version: z.string(),
  latest_version: z.record(collectionNameSchema, z.int()),
  collections: z.record(collectionNameSchema, z.object({ rows: z.int(), tombstones: z.int() })),
  /** Added later: older servers leave it out. Live repositories only, by id. */
  readable_repositories: z.array(readableRepositorySchema).optional(),
  /** Added later: up to how many readable repositories a browser keeps all offline by default. */
  offline_all_up_to: z.int().min(0).optional(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;
