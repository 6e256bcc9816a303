// HTTP calls to `/api/v1/sync` (PROTOCOL.md §1). `fetch` and the token are injected, so the
// same code runs in the browser and in Node tests.
import {
  PROTOCOL_VERSION,
  SYNC_CLIENT_HEADERS,
  type ChangesResponse,
  type CollectionName,
  type ConflictHunk,
  type PushResponse,
  type ResolveConflictResponse,
  type SyncStatus,
} from '@wikisync/shared';
import { formatRepositoryFilter } from '@wikisync/shared';
import { fetchEnvelope } from '../api/envelope';
import { SyncHttpError } from './errors';
import { REPLICA_SCHEMA_VERSION } from './replica-versions';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** Origin of the server, e.g. `https://wiki.example.com`; '' for the page's own origin. */
  baseUrl: string;
  getToken: () => string | null;
  fetch?: FetchLike;
  /** The protocol version this client speaks (default: the one it was built with). */
  protocolVersion?: string;
}

export type WireDoc = Record<string, unknown> & { uid: string; _deleted: boolean };

export interface PushRowInput {
  assumed_master_state: WireDoc | null;
  new_document_state: WireDoc;
}

export interface ResolveConflictInput {
  collection: CollectionName;
  uid: string;
  resolution: 'local' | 'server' | 'merged';
  base: WireDoc | null;
  document?: WireDoc;
  local?: WireDoc | null;
  hunks?: ConflictHunk[];
}

export function createSyncTransport({
  baseUrl,
  getToken,
  fetch: fetchImpl = globalThis.fetch.bind(globalThis),
  protocolVersion = PROTOCOL_VERSION,
}: TransportOptions) {
  const root = `${baseUrl.replace(/\/$/, '')}/api/v1/sync`;

  function headers(json: boolean): Record<string, string> {
    // Which app is asking: the server refuses writes from another protocol MAJOR.
    const result: Record<string, string> = {
      [SYNC_CLIENT_HEADERS.protocol]: protocolVersion,
      [SYNC_CLIENT_HEADERS.schema]: String(REPLICA_SCHEMA_VERSION),
    };
    const token = getToken();
    if (token) result.authorization = `Bearer ${token}`;
    if (json) result['content-type'] = 'application/json';
    return result;
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return fetchEnvelope<T>(
      () =>
        fetchImpl(`${root}${path}`, {
          method,
          headers: headers(body !== undefined),
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      (status, code, message, data, details) => new SyncHttpError(status, code, message, data, details),
      (error) => `The server cannot be reached (${error.message}).`,
    );
  }

  return {
    protocolVersion,
    streamUrl: `${root}/stream`,
    streamHeaders: () => headers(false),
    fetch: fetchImpl,
    /** `repositories`: only those (kept offline); null or absent: every readable one. */
    changes: (
      collection: CollectionName,
      checkpoint: number,
      limit: number,
      repositories?: number[] | null,
    ) =>
      call<ChangesResponse<WireDoc>>(
        'GET',
        `/changes?collection=${collection}&checkpoint=${checkpoint}&limit=${Math.min(limit, 1000)}${
          repositories ? `&repositories=${formatRepositoryFilter(repositories)}` : ''
        }`,
      ),
    push: (collection: CollectionName, rows: PushRowInput[]) =>
      call<PushResponse<WireDoc>>('POST', '/push', { collection, rows }),
    resolveConflict: (input: ResolveConflictInput) =>
      call<ResolveConflictResponse>('POST', '/resolve-conflict', input),
    /** Counts over `repositories` (ids, the changes feed's filter) or everything readable. */
    status: (repositories?: readonly number[] | null) =>
      call<SyncStatus>(
        'GET',
        repositories?.length ? `/status?repositories=${formatRepositoryFilter(repositories)}` : '/status',
      ),
  };
}

export type SyncTransport = ReturnType<typeof createSyncTransport>;
