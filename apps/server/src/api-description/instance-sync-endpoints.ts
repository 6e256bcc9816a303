// The /api/sync endpoints for the API description (api-endpoints.ts): the peer endpoints
// straight from SYNC_ENDPOINTS, the table our own sender calls by, and the initiator's.
// "peer" auth: an admin or peer token (scopes decide), or no token from SYNC_ALLOW_TOKENLESS_FROM.
import { z } from 'zod';
import {
  instanceSyncStatusSchema,
  pageSchema,
  pullStartRequestSchema,
  pushStartRequestSchema,
  remoteListQuerySchema,
  scheduleDeleteRequestSchema,
  scheduleSaveRequestSchema,
  SYNC_ENDPOINTS,
  syncItemListQuerySchema,
  syncScheduleSchema,
  syncSessionDetailSchema,
  syncSessionListQuerySchema,
  syncSessionSchema,
  syncStartResponseSchema,
  syncTargetSchema,
  targetDeleteRequestSchema,
  targetSaveRequestSchema,
} from '@wikisync/shared';
import type { ApiEndpoint } from './api-endpoints.js';

/** The answer of every delete. */
export const deleted = z.object({ id: z.number().int(), deleted: z.literal(true) });

/** Receiver and source endpoints, straight from SYNC_ENDPOINTS. */
const PEER: ApiEndpoint[] = Object.entries(SYNC_ENDPOINTS).map(([name, endpoint]) => ({
  method: endpoint.method,
  path: `/api/sync/${name}`,
  tag: 'Instance sync (peer)',
  auth: 'peer',
  summary: `Peer endpoint \`${name}\` (PROTOCOL.md §2)`,
  ...(endpoint.request
    ? endpoint.method === 'GET'
      ? { query: endpoint.request }
      : { body: endpoint.request }
    : {}),
  response: endpoint.response,
}));

const tag = 'Instance sync (initiator)';
const INITIATOR: ApiEndpoint[] = [
  {
    method: 'POST',
    path: '/api/sync',
    tag,
    auth: 'peer',
    summary: 'Start pushing a repository to a target server',
    body: pushStartRequestSchema,
    response: syncStartResponseSchema,
  },
  {
    method: 'POST',
    path: '/api/sync/pull',
    tag,
    auth: 'peer',
    summary: 'Start pulling a repository from a target server',
    body: pullStartRequestSchema,
    response: syncStartResponseSchema,
  },
  {
    method: 'GET',
    path: '/api/sync/status/:sync_id',
    tag,
    auth: 'peer',
    summary: 'Progress of a sync session',
    response: instanceSyncStatusSchema,
  },
  {
    method: 'GET',
    path: '/api/sync/status/:sync_id/stream',
    tag,
    auth: 'peer',
    summary:
      'Server-Sent Events: a `status` event (the object of GET /api/sync/status/:sync_id) at each step, the end state last, then the stream closes',
    produces: 'text/event-stream',
  },
  {
    method: 'GET',
    path: '/api/sync/sessions',
    tag,
    auth: 'peer',
    summary: 'Sync history',
    query: syncSessionListQuerySchema,
    response: pageSchema(syncSessionSchema),
  },
  {
    method: 'GET',
    path: '/api/sync/sessions/:id',
    tag,
    auth: 'peer',
    summary: 'One session with its items',
    query: syncItemListQuerySchema,
    response: syncSessionDetailSchema,
  },
  {
    method: 'POST',
    path: '/api/sync/sessions/:id/cancel',
    tag,
    auth: 'peer',
    summary: 'Cancel a running session',
    response: instanceSyncStatusSchema,
  },
  {
    method: 'GET',
    path: '/api/sync/target-list',
    tag,
    auth: 'peer',
    summary: 'Saved target servers (never their secrets)',
    response: z.array(syncTargetSchema),
  },
  {
    method: 'POST',
    path: '/api/sync/target-save',
    tag,
    auth: 'admin',
    summary: 'Save a target server with its token (stored encrypted)',
    body: targetSaveRequestSchema,
    response: syncTargetSchema,
  },
  {
    method: 'POST',
    path: '/api/sync/target-delete',
    tag,
    auth: 'admin',
    summary: 'Delete a saved target and its schedules',
    body: targetDeleteRequestSchema,
    response: deleted,
  },
  {
    method: 'GET',
    path: '/api/sync/schedule-list',
    tag,
    auth: 'peer',
    summary: 'Scheduled syncs',
    response: z.array(syncScheduleSchema),
  },
  {
    method: 'POST',
    path: '/api/sync/schedule-save',
    tag,
    auth: 'peer',
    summary: 'Schedule a push or pull (cron)',
    body: scheduleSaveRequestSchema,
    response: syncScheduleSchema,
  },
  {
    method: 'POST',
    path: '/api/sync/schedule-delete',
    tag,
    auth: 'peer',
    summary: 'Remove a schedule',
    body: scheduleDeleteRequestSchema,
    response: deleted,
  },
  {
    method: 'GET',
    path: '/api/sync/remote/repository-list',
    tag,
    auth: 'peer',
    summary: "A target's repositories, read with its stored token",
    query: remoteListQuerySchema,
    response: SYNC_ENDPOINTS['repository-list'].response,
  },
  {
    method: 'GET',
    path: '/api/sync/remote/document-list',
    tag,
    auth: 'peer',
    summary: "A target's documents of one repository",
    query: remoteListQuerySchema,
    response: SYNC_ENDPOINTS['document-list'].response,
  },
];

export const INSTANCE_SYNC_ENDPOINTS: readonly ApiEndpoint[] = [...PEER, ...INITIATOR];
