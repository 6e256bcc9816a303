import { z } from 'zod';
import { collectionNameSchema } from './collection-name.js';

/** The `data` of `GET /api/v1/sync/status`, counted over what the caller may read. */
export const syncStatusSchema = z.object({
  server_time: z.string(),
  protocol_version: z.string(),
  latest_version: z.record(collectionNameSchema, z.int()),
  collections: z.record(collectionNameSchema, z.object({ rows: z.int(), tombstones: z.int() })),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;
