// The /api/sync endpoints one server calls on another (PROTOCOL.md §2), as one table: each
// endpoint's method, what is sent (the body of a POST, the query of a GET) and what comes back
// (the `data` of the answer). The peer client checks every answer against `response`, and a
// server test holds this table and the receiver's routes to each other, so a sender and a
// receiver cannot drift apart. The response schemas accept what a real openDeepWiki answers
// (PROTOCOL.md, "openDeepWiki's wire"): its `ping`, for one, answers no `data` at all.
import type { z } from 'zod';
import { batchUpsertRequestSchema, batchUpsertResponseSchema } from './batch-upsert.js';
import { copyUpsertRequestSchema } from './copy-upsert.js';
import { documentCreateRequestSchema, documentCreateResponseSchema } from './document-create.js';
import { documentListQuerySchema, documentListResponseSchema } from './document-list.js';
import { pingResponseSchema } from './ping.js';
import { pullExportRequestSchema, pullExportResponseSchema } from './pull-export.js';
import { repositoryClearRequestSchema, repositoryClearResponseSchema } from './repository-clear.js';
import { repositoryListResponseSchema } from './repository-list.js';
import { repositoryUpsertRequestSchema, repositoryUpsertResponseSchema } from './repository-upsert.js';
import { taskCreateRequestSchema, taskCreateResponseSchema } from './task-create.js';
import { taskUpdateDocIdRequestSchema, taskUpdateDocIdResponseSchema } from './task-update-docid.js';
import { taskUsageCreateRequestSchema, taskUsageCreateResponseSchema } from './task-usage-create.js';

export interface SyncEndpoint {
  readonly method: 'GET' | 'POST';
  /** The body of a POST or the query of a GET; null when the call sends nothing. */
  readonly request: z.ZodType | null;
  /** The answer's `data` (a bare answer without the envelope is taken as the data). */
  readonly response: z.ZodType;
  /** How a POST body travels: JSON (the default), or `copy-upsert`'s header and row lines. */
  readonly body?: 'json' | 'copy';
}

/** Keyed by the endpoint's path below the peer's base URL (`<base>/<name>`). */
export const SYNC_ENDPOINTS = {
  ping: { method: 'GET', request: null, response: pingResponseSchema },
  'repository-upsert': {
    method: 'POST',
    request: repositoryUpsertRequestSchema,
    response: repositoryUpsertResponseSchema,
  },
  'repository-clear': {
    method: 'POST',
    request: repositoryClearRequestSchema,
    response: repositoryClearResponseSchema,
  },
  'task-create': { method: 'POST', request: taskCreateRequestSchema, response: taskCreateResponseSchema },
  'document-create': {
    method: 'POST',
    request: documentCreateRequestSchema,
    response: documentCreateResponseSchema,
  },
  'task-update-docid': {
    method: 'POST',
    request: taskUpdateDocIdRequestSchema,
    response: taskUpdateDocIdResponseSchema,
  },
  'task-usage-create': {
    method: 'POST',
    request: taskUsageCreateRequestSchema,
    response: taskUsageCreateResponseSchema,
  },
  'batch-upsert': { method: 'POST', request: batchUpsertRequestSchema, response: batchUpsertResponseSchema },
  'copy-upsert': {
    method: 'POST',
    request: copyUpsertRequestSchema,
    response: batchUpsertResponseSchema,
    body: 'copy',
  },
  'repository-list': { method: 'GET', request: null, response: repositoryListResponseSchema },
  'document-list': { method: 'GET', request: documentListQuerySchema, response: documentListResponseSchema },
  'pull-export': { method: 'POST', request: pullExportRequestSchema, response: pullExportResponseSchema },
} as const satisfies Record<string, SyncEndpoint>;

export type SyncEndpointName = keyof typeof SYNC_ENDPOINTS;

/** The endpoints that take a JSON body. */
export type SyncPostEndpointName = {
  [E in SyncEndpointName]: (typeof SYNC_ENDPOINTS)[E]['method'] extends 'POST' ? E : never;
}[SyncEndpointName];

/** What a sender passes: the request schema's input (ids as numbers, absent fields default). */
export type SyncEndpointRequest<E extends SyncEndpointName> =
  (typeof SYNC_ENDPOINTS)[E]['request'] extends z.ZodType
    ? z.input<(typeof SYNC_ENDPOINTS)[E]['request']>
    : undefined;

/** What a receiver reads from that: the request schema's output. */
export type SyncEndpointReceived<E extends SyncEndpointName> =
  (typeof SYNC_ENDPOINTS)[E]['request'] extends z.ZodType
    ? z.output<(typeof SYNC_ENDPOINTS)[E]['request']>
    : undefined;

/** What a sender gets back: the response schema's output. */
export type SyncEndpointResponse<E extends SyncEndpointName> = z.output<
  (typeof SYNC_ENDPOINTS)[E]['response']
>;
