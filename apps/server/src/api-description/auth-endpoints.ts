// Sign-in and the admin API (auth/auth-routes.ts, auth/admin-routes.ts) for the endpoint table.
import { z } from 'zod';
import {
  adminGrantSchema,
  adminTokenSchema,
  adminUserSchema,
  createdTokenSchema,
  createPeerTokenRequestSchema,
  createTokenRequestSchema,
  createUserRequestSchema,
  deleteGrantRequestSchema,
  putGrantRequestSchema,
  signInRequestSchema,
  signInResponseSchema,
  updateUserRequestSchema,
} from '@wikisync/shared';
import type { ApiEndpoint } from './api-endpoints.js';

const peerTokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  scopes: z.array(z.string()),
  repository_ids: z.array(z.number().int()).nullable(),
  has_signing_secret: z.boolean(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
const revoked = z.object({ id: z.number().int(), revoked: z.literal(true) });
const admin = (endpoint: Omit<ApiEndpoint, 'tag' | 'auth'>): ApiEndpoint => ({
  ...endpoint,
  tag: 'Administration',
  auth: 'admin',
});

export const AUTH_ENDPOINTS: readonly ApiEndpoint[] = [
  {
    method: 'POST',
    path: '/api/auth/sign-in',
    tag: 'Sign-in',
    auth: 'none',
    summary: 'Sign in with a name and password; answers a session token (limited per account and address)',
    body: signInRequestSchema,
    response: signInResponseSchema,
  },
  {
    method: 'POST',
    path: '/api/auth/sign-out',
    tag: 'Sign-in',
    auth: 'bearer',
    summary: "End the caller's session (an API token stays valid)",
    response: z.object({ signed_out: z.literal(true), session_revoked: z.boolean() }),
  },
  admin({
    method: 'GET',
    path: '/api/admin/users',
    summary: 'Every user',
    response: z.array(adminUserSchema),
  }),
  admin({
    method: 'POST',
    path: '/api/admin/users',
    summary: 'Create a user, optionally with a password',
    status: 201,
    body: createUserRequestSchema,
    response: adminUserSchema,
  }),
  admin({
    method: 'PATCH',
    path: '/api/admin/users/:id',
    summary: 'Make or unmake an admin, disable or enable, set the password',
    body: updateUserRequestSchema,
    response: adminUserSchema,
  }),
  admin({
    method: 'GET',
    path: '/api/admin/tokens',
    summary: 'API tokens and sign-in sessions (never their secrets)',
    response: z.array(adminTokenSchema),
  }),
  admin({
    method: 'POST',
    path: '/api/admin/tokens',
    summary: 'Create an API token for a user; the token is shown only in this answer',
    status: 201,
    body: createTokenRequestSchema,
    response: createdTokenSchema,
  }),
  admin({ method: 'DELETE', path: '/api/admin/tokens/:id', summary: 'Revoke a token', response: revoked }),
  admin({
    method: 'GET',
    path: '/api/admin/grants',
    summary: 'Who may read or write which repository',
    response: z.array(adminGrantSchema),
  }),
  admin({
    method: 'PUT',
    path: '/api/admin/grants',
    summary: 'Grant a user read or write access to a repository',
    body: putGrantRequestSchema,
    response: putGrantRequestSchema,
  }),
  admin({
    method: 'DELETE',
    path: '/api/admin/grants',
    summary: "Take a user's access to a repository away",
    body: deleteGrantRequestSchema,
    response: deleteGrantRequestSchema.extend({ revoked: z.literal(true) }),
  }),
  admin({
    method: 'GET',
    path: '/api/admin/peer-tokens',
    summary: 'Tokens other servers present on /api/sync',
    response: z.array(peerTokenSchema),
  }),
  admin({
    method: 'POST',
    path: '/api/admin/peer-tokens',
    summary: 'Create a peer token (scopes, repositories, signing secret); shown only in this answer',
    status: 201,
    body: createPeerTokenRequestSchema,
    response: z.object({ token: z.string(), peer_token: peerTokenSchema }),
  }),
  admin({
    method: 'DELETE',
    path: '/api/admin/peer-tokens/:id',
    summary: 'Revoke a peer token',
    response: revoked,
  }),
];
