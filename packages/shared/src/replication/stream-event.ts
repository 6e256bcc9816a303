import { z } from 'zod';
import { checkpointSchema } from './checkpoint.js';
import { collectionNameSchema } from './collection-name.js';

/** SSE event names of `GET /api/v1/sync/stream`; a heartbeat is a `:` comment line. */
export const STREAM_EVENTS = { ready: 'ready', change: 'change', access: 'access' } as const;

/** The data of `event: change`: a row the caller can read changed at this version. */
export const streamChangeEventSchema = z.object({
  collection: collectionNameSchema,
  checkpoint: checkpointSchema,
});
export type StreamChangeEvent = z.infer<typeof streamChangeEventSchema>;

/**
 * The data of `event: access`: the caller's readable repositories changed (a grant was given or
 * taken). A client drops what it lost and may pull what it gained; `status` lists the set.
 */
export const streamAccessEventSchema = z.object({
  readable_repository_ids: z.array(z.int()),
});
export type StreamAccessEvent = z.infer<typeof streamAccessEventSchema>;

/** At least this often the server writes a heartbeat comment on an idle stream. */
export const STREAM_HEARTBEAT_MS = 15_000;
