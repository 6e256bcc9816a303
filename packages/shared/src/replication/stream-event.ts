import { z } from 'zod';
import { checkpointSchema } from './checkpoint.js';
import { collectionNameSchema } from './collection-name.js';

/** SSE event names of `GET /api/v1/sync/stream`; a heartbeat is a `:` comment line. */
export const STREAM_EVENTS = { ready: 'ready', change: 'change' } as const;

/** The data of `event: change`: a row the caller can read changed at this version. */
export const streamChangeEventSchema = z.object({
  collection: collectionNameSchema,
  checkpoint: checkpointSchema,
});
export type StreamChangeEvent = z.infer<typeof streamChangeEventSchema>;

/** At least this often the server writes a heartbeat comment on an idle stream. */
export const STREAM_HEARTBEAT_MS = 15_000;
