import { z } from 'zod';
import { numericIdSchema } from '../common.js';
import { documentIdListSchema, syncBaseUrlSchema, syncSessionStatusSchema } from './wire-fields.js';

/** What both starts name: a saved target, a repository, and optionally some documents. */
const syncStartFields = {
  target_server: syncBaseUrlSchema,
  repository_id: numericIdSchema,
  document_ids: documentIdListSchema.nullish(),
};

/** `POST /api/sync` (initiator, push). `target_server` must be a saved target. */
export const pushStartRequestSchema = z.object({
  ...syncStartFields,
  clear_target: z.boolean().optional().default(false),
});
export type PushStartRequest = z.input<typeof pushStartRequestSchema>;

/** `POST /api/sync/pull` (initiator): `repository_id` is the remote one. */
export const pullStartRequestSchema = z.object({
  ...syncStartFields,
  clear_local: z.boolean().optional().default(false),
});
export type PullStartRequest = z.input<typeof pullStartRequestSchema>;

export const syncStartResponseSchema = z.object({
  sync_id: z.string(),
  repository_id: z.number().int(),
  total_tasks: z.number().int(),
  status: syncSessionStatusSchema,
});
export type SyncStartResponse = z.infer<typeof syncStartResponseSchema>;
