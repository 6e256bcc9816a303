import { z } from 'zod';
import { syncSessionStatusSchema } from './wire-fields.js';

/** `GET /api/sync/status/:sync_id`: progress of one session, read from the database. */
export const instanceSyncStatusSchema = z.object({
  sync_id: z.string(),
  repository_id: z.number().int().nullable(),
  total_tasks: z.number().int(),
  completed_tasks: z.number().int(),
  failed_tasks: z.number().int(),
  status: syncSessionStatusSchema,
  current_task: z.string(),
  started_at: z.string(),
  updated_at: z.string(),
  /** Ours: 0..100, and why a failed session failed. */
  progress: z.number(),
  error: z.string().nullable(),
});
export type InstanceSyncStatus = z.infer<typeof instanceSyncStatusSchema>;

/**
 * `GET /api/sync/status/:sync_id/stream`: Server-Sent Events named this, each carrying the
 * status above, one each time it moves; the last is the session's end, then the stream closes.
 */
export const INSTANCE_SYNC_STATUS_EVENT = 'status';
