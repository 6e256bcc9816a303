import { z } from 'zod';
import { numericIdSchema } from '../common.js';
import { syncBaseUrlSchema } from './wire-fields.js';

const secretSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(500, 'must be at most 500 characters')
  .regex(/^\S+$/, 'must not contain spaces');

/** `POST /api/sync/target-save`: the allowlist of peers this server may call. */
export const targetSaveRequestSchema = z.object({
  url: syncBaseUrlSchema,
  // A peer's token is whatever that peer issued; only our own signing secrets get a minimum.
  token: z.string().min(1, 'must not be empty').max(500).regex(/^\S+$/, 'must not contain spaces').nullish(),
  signing_secret: secretSchema.nullish(),
  name: z.string().max(200).optional(),
});
export type TargetSaveRequest = z.input<typeof targetSaveRequestSchema>;

export const targetDeleteRequestSchema = z.object({ id: numericIdSchema });

/** A saved target as listed: secrets are never shown, only whether they are set. */
export const syncTargetSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  name: z.string(),
  has_token: z.boolean(),
  has_signing_secret: z.boolean(),
  instance_uid: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type SyncTarget = z.infer<typeof syncTargetSchema>;

export const remoteListQuerySchema = z.object({
  target_id: numericIdSchema,
  repository_id: numericIdSchema.optional(),
});
