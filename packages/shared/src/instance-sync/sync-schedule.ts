import { z } from 'zod';
import { numericIdSchema } from '../common.js';
import { syncDirectionSchema } from './wire-fields.js';

/**
 * `POST /api/sync/schedule-save`. `repository_id` is the local one for a push and the
 * remote one for a pull. Cron expressions have 5 fields (or 6 with seconds); runs must be at
 * least a minute apart.
 */
export const scheduleSaveRequestSchema = z.object({
  cron: z.string().trim().min(1, 'must not be empty').max(200),
  target_id: numericIdSchema,
  repository_id: numericIdSchema,
  direction: syncDirectionSchema,
  clear: z.boolean().optional().default(false),
  enabled: z.boolean().optional().default(true),
});
export type ScheduleSaveRequest = z.input<typeof scheduleSaveRequestSchema>;

export const scheduleDeleteRequestSchema = z.object({ id: numericIdSchema });

export const syncScheduleSchema = z.object({
  id: z.number().int(),
  cron: z.string(),
  target_id: z.number().int(),
  target_url: z.string(),
  repository_id: z.number().int(),
  direction: syncDirectionSchema,
  clear: z.boolean(),
  enabled: z.boolean(),
  next_run_at: z.string().nullable(),
  last_run_at: z.string().nullable(),
  last_session_id: z.string().nullable(),
  created_at: z.string(),
});
export type SyncSchedule = z.infer<typeof syncScheduleSchema>;
