// Every HTTP endpoint of the server as one table: method, path (Hono's pattern), who may call
// it, a summary, and the zod schemas the route itself validates with (the query or body it
// reads) and answers with (the envelope's `data`). The OpenAPI document is rendered from
// this table, and `api-description.test.ts` holds it to the routes the app really has, so an
// endpoint added without a line here fails that test. The /api/sync peer endpoints come from
// SYNC_ENDPOINTS, the table our own sender calls by.
import { z } from 'zod';
import {
  changesQuerySchema,
  streamQuerySchema,
  changesResponseSchema,
  conflictListQuerySchema,
  conflictLogEntrySchema,
  documentCreateSchema,
  documentSchema,
  documentUpdateSchema,
  healthSchema,
  listQuerySchema,
  pageSchema,
  pushRequestSchema,
  pushResponseSchema,
  repositoryCreateSchema,
  repositorySchema,
  repositoryUpdateSchema,
  resolveConflictRequestSchema,
  resolveConflictResponseSchema,
  syncStatusSchema,
  syncStatusQuerySchema,
  taskCreateSchema,
  taskSchema,
  taskUpdateSchema,
} from '@wikisync/shared';
import { AUTH_ENDPOINTS } from './auth-endpoints.js';
import { deleted, INSTANCE_SYNC_ENDPOINTS } from './instance-sync-endpoints.js';

/** none: public; bearer: a user's or the admin's token; admin: an admin's token; peer: see /api/sync. */
export type EndpointAuth = 'none' | 'bearer' | 'admin' | 'peer';

export interface ApiEndpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Hono's pattern, as the app registers it (`/api/tasks/:id`). */
  path: string;
  tag: string;
  summary: string;
  auth: EndpointAuth;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The `data` of `{"code":"OK","data":…}`; absent for answers that are not JSON. */
  response?: z.ZodType;
  /** The media type of a non-JSON answer. */
  produces?: string;
  /** The success status; default 200. */
  status?: number;
  /**
   * The answer carries the row's `ETag` (read), and the request may carry `If-Match` to be
   * written only if the row still has that version, else 412 with the current row (write).
   */
  versioned?: 'read' | 'write';
}

/** The five routes of `http/entity-routes.ts` for one entity. */
function entityEndpoints(
  base: string,
  noun: string,
  tag: string,
  schemas: { row: z.ZodType; query: z.ZodType; create: z.ZodType; update: z.ZodType },
): ApiEndpoint[] {
  return [
    {
      method: 'GET',
      path: base,
      tag,
      auth: 'bearer',
      summary: `List the ${noun}s you may read`,
      query: schemas.query,
      response: pageSchema(schemas.row),
    },
    {
      method: 'POST',
      path: base,
      tag,
      auth: 'bearer',
      summary: `Create a ${noun}`,
      status: 201,
      body: schemas.create,
      response: schemas.row,
    },
    {
      method: 'GET',
      path: `${base}/:id`,
      tag,
      auth: 'bearer',
      summary: `Read one ${noun}`,
      response: schemas.row,
      versioned: 'read',
    },
    {
      method: 'PATCH',
      path: `${base}/:id`,
      tag,
      auth: 'bearer',
      summary: `Change a ${noun}; with If-Match, only if no one changed it since you read it`,
      body: schemas.update,
      response: schemas.row,
      versioned: 'write',
    },
    {
      method: 'DELETE',
      path: `${base}/:id`,
      tag,
      auth: 'bearer',
      summary: `Delete a ${noun} (a tombstone replicas learn of)`,
      response: deleted,
    },
  ];
}

const SERVER: ApiEndpoint[] = [
  {
    method: 'GET',
    path: '/health',
    tag: 'Server',
    auth: 'none',
    summary: 'The process is up and its database answers',
    response: healthSchema,
  },
  {
    method: 'GET',
    path: '/ready',
    tag: 'Server',
    auth: 'none',
    summary: 'Ready for traffic: every migration applied (503 otherwise)',
    response: z.object({ status: z.literal('ready'), database: z.string(), migrations: z.number().int() }),
  },
  {
    method: 'GET',
    path: '/metrics',
    tag: 'Server',
    auth: 'admin',
    summary: 'Prometheus metrics (also without a token on METRICS_PORT)',
    produces: 'text/plain; version=0.0.4',
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    tag: 'Server',
    auth: 'none',
    summary: 'This API description (OpenAPI 3.1)',
    produces: 'application/json',
  },
  {
    method: 'GET',
    path: '/api/docs',
    tag: 'Server',
    auth: 'none',
    summary: 'This API description as a page',
    produces: 'text/html',
  },
  {
    method: 'GET',
    path: '/api/me',
    tag: 'Server',
    auth: 'bearer',
    summary: 'Who the token belongs to',
    response: z.object({ id: z.number().int(), name: z.string(), is_admin: z.boolean() }),
  },
];

const REST: ApiEndpoint[] = [
  ...entityEndpoints('/api/repositories', 'repository', 'Repositories', {
    row: repositorySchema,
    query: listQuerySchema.pick({ limit: true, offset: true }),
    create: repositoryCreateSchema,
    update: repositoryUpdateSchema,
  }),
  {
    method: 'GET',
    path: '/api/repositories/:id/task-usage',
    tag: 'Repositories',
    auth: 'bearer',
    summary: 'LLM token totals per task of a repository',
    response: z.object({ items: z.array(z.record(z.string(), z.unknown())) }),
  },
  ...entityEndpoints('/api/tasks', 'task', 'Tasks', {
    row: taskSchema,
    query: listQuerySchema.omit({ task_id: true }),
    create: taskCreateSchema,
    update: taskUpdateSchema,
  }),
  ...entityEndpoints('/api/documents', 'document', 'Documents', {
    row: documentSchema,
    query: listQuerySchema,
    create: documentCreateSchema,
    update: documentUpdateSchema,
  }),
];

const REPLICATION: ApiEndpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/sync/changes',
    tag: 'Replication',
    auth: 'bearer',
    summary: 'Rows changed after a checkpoint, tombstones included',
    query: changesQuerySchema,
    response: changesResponseSchema,
  },
  {
    method: 'POST',
    path: '/api/v1/sync/push',
    tag: 'Replication',
    auth: 'bearer',
    summary: 'Compare-and-set writes of one collection; conflicts come back as data',
    body: pushRequestSchema,
    response: pushResponseSchema,
  },
  {
    method: 'POST',
    path: '/api/v1/sync/resolve-conflict',
    tag: 'Replication',
    auth: 'bearer',
    summary: 'Record how a conflict was resolved and write the result',
    body: resolveConflictRequestSchema,
    response: resolveConflictResponseSchema,
  },
  {
    method: 'GET',
    path: '/api/v1/sync/conflicts',
    tag: 'Replication',
    auth: 'bearer',
    summary: 'Resolved conflicts of the repositories you may read',
    query: conflictListQuerySchema,
    response: z.object({ items: z.array(conflictLogEntrySchema) }),
  },
  {
    method: 'GET',
    path: '/api/v1/sync/status',
    tag: 'Replication',
    auth: 'bearer',
    summary:
      'Latest versions and row counts per collection (optionally for some repositories only), and the repositories you may read',
    query: syncStatusQuerySchema,
    response: syncStatusSchema,
  },
  {
    method: 'GET',
    path: '/api/v1/sync/stream',
    tag: 'Replication',
    auth: 'bearer',
    summary: 'Server-Sent Events: `ready`, then `change` and `access` events and heartbeats',
    query: streamQuerySchema,
    produces: 'text/event-stream',
  },
];

export const API_ENDPOINTS: readonly ApiEndpoint[] = [
  ...SERVER,
  ...AUTH_ENDPOINTS,
  ...REST,
  ...REPLICATION,
  ...INSTANCE_SYNC_ENDPOINTS,
];
