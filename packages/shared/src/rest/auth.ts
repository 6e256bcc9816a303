// Signing in with a name and a password (`POST /api/auth/sign-in`) and out again, and the
// administration API under `/api/admin` (admins only): users, their tokens, and grants.
import { z } from 'zod';
import { SYNC_SCOPES } from '../instance-sync/headers.js';

export const userNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[^\s/]+$/, 'must not contain spaces or slashes');

export const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(200, 'must be at most 200 characters');

export const signInRequestSchema = z.object({
  name: userNameSchema,
  // Any length is checked against the stored hash; only a new password has rules.
  password: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export const signedInUserSchema = z.object({ id: z.number(), name: z.string(), is_admin: z.boolean() });
export type SignedInUser = z.infer<typeof signedInUserSchema>;

export const signInResponseSchema = z.object({
  token: z.string(),
  expires_at: z.string(),
  user: signedInUserSchema,
});
export type SignInResponse = z.infer<typeof signInResponseSchema>;

export const adminUserSchema = z.object({
  id: z.number(),
  name: z.string(),
  is_admin: z.boolean(),
  disabled: z.boolean(),
  has_password: z.boolean(),
  created_at: z.string(),
});
export type AdminUser = z.infer<typeof adminUserSchema>;

export const createUserRequestSchema = z.object({
  name: userNameSchema,
  is_admin: z.boolean().default(false),
  password: passwordSchema.optional(),
});

export const updateUserRequestSchema = z
  .object({
    is_admin: z.boolean().optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'name at least one of is_admin, disabled, password');

export const adminTokenSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  user_name: z.string(),
  name: z.string(),
  kind: z.enum(['api', 'session']),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export type AdminToken = z.infer<typeof adminTokenSchema>;

export const createTokenRequestSchema = z.object({
  user_id: z.number().int().positive(),
  name: z.string().trim().max(200, 'must be at most 200 characters').default(''),
  days: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(3650, 'must be at most 3650')
    .nullable()
    .default(null),
});

export const createdTokenSchema = z.object({
  id: z.number(),
  token: z.string(),
  expires_at: z.string().nullable(),
});

export const adminGrantSchema = z.object({
  user_id: z.number(),
  user_name: z.string(),
  repository_id: z.number(),
  repository_name: z.string(),
  access: z.enum(['read', 'write']),
});
export type AdminGrant = z.infer<typeof adminGrantSchema>;

export const putGrantRequestSchema = z.object({
  user_id: z.number().int().positive(),
  repository_id: z.number().int().positive(),
  access: z.enum(['read', 'write']),
});

export const deleteGrantRequestSchema = putGrantRequestSchema.omit({ access: true });

/** A token another server presents on /api/sync (the CLI's `peer token create`). */
export const createPeerTokenRequestSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  scopes: z.array(z.enum(SYNC_SCOPES)).min(1, 'name at least one scope'),
  /** Repositories it may touch; null for all. */
  repository_ids: z
    .array(z.number().int().positive())
    .min(1, 'name at least one, or send null for all')
    .nullable()
    .default(null),
  /** When set, every request with the token must be signed with this secret. */
  signing_secret: z.string().min(16, 'must be at least 16 characters').max(500).nullable().default(null),
});
