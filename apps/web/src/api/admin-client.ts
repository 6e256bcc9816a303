// The admin page's calls to `/api/admin` (admins only): users, API tokens, grants and the
// peer tokens other servers present for instance sync.
import type { AdminGrant, AdminToken, AdminUser } from '@wikisync/shared';
import type { ApiClient } from './client';

export interface PeerTokenRow {
  id: number;
  name: string;
  scopes: string[];
  repository_ids: number[] | null;
  has_signing_secret: boolean;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function createAdminClient(api: ApiClient) {
  const { request } = api;
  return {
    listUsers: () => request<AdminUser[]>('GET', '/api/admin/users'),
    createUser: (input: { name: string; password?: string; is_admin: boolean }) =>
      request<AdminUser>('POST', '/api/admin/users', input),
    updateUser: (id: number, patch: { is_admin?: boolean; disabled?: boolean; password?: string }) =>
      request<AdminUser>('PATCH', `/api/admin/users/${id}`, patch),
    listTokens: () => request<AdminToken[]>('GET', '/api/admin/tokens'),
    createToken: (input: { user_id: number; name: string; days: number | null }) =>
      request<{ id: number; token: string; expires_at: string | null }>('POST', '/api/admin/tokens', input),
    revokeToken: (id: number) => request('DELETE', `/api/admin/tokens/${id}`),
    listGrants: () => request<AdminGrant[]>('GET', '/api/admin/grants'),
    putGrant: (input: { user_id: number; repository_id: number; access: 'read' | 'write' }) =>
      request('PUT', '/api/admin/grants', input),
    deleteGrant: (input: { user_id: number; repository_id: number }) =>
      request('DELETE', '/api/admin/grants', input),
    listPeerTokens: () => request<PeerTokenRow[]>('GET', '/api/admin/peer-tokens'),
    createPeerToken: (input: {
      name: string;
      scopes: string[];
      repository_ids: number[] | null;
      signing_secret: string | null;
    }) => request<{ token: string; peer_token: PeerTokenRow }>('POST', '/api/admin/peer-tokens', input),
    revokePeerToken: (id: number) => request('DELETE', `/api/admin/peer-tokens/${id}`),
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;
