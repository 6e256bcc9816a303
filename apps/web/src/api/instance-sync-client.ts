// The operator's side of instance sync: saved targets, what a remote offers, starting a
// push or pull, following its progress, history and schedules. All calls go to our own
// server, which alone talks to peers (it only calls saved targets).
import {
  INSTANCE_SYNC_STATUS_EVENT,
  STREAM_HEARTBEAT_MS,
  type InstanceSyncStatus,
  type RemoteDocument,
  type RemoteRepository,
  type SyncDirection,
  type SyncSchedule,
  type SyncSession,
  type SyncSessionDetail,
  type SyncStartResponse,
  type SyncTarget,
} from '@wikisync/shared';
import type { ApiClient } from './client';
import { createSseParser } from '../sync/sse-parser';

export function createInstanceSyncClient(api: ApiClient) {
  const { request } = api;
  const query = (values: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(values))
      if (value !== undefined) params.set(key, String(value));
    return params.toString();
  };
  return {
    listTargets: () => request<SyncTarget[]>('GET', '/api/sync/target-list'),
    saveTarget: (target: { url: string; name?: string; token?: string; signing_secret?: string }) =>
      request<SyncTarget>('POST', '/api/sync/target-save', target),
    deleteTarget: (id: number) => request<unknown>('POST', '/api/sync/target-delete', { id }),

    /** Our own repositories and documents, in the shape the remote lists use. */
    localRepositories: () => request<RemoteRepository[]>('GET', '/api/sync/repository-list'),
    localDocuments: (repositoryId: number) =>
      request<RemoteDocument[]>('GET', `/api/sync/document-list?${query({ repository_id: repositoryId })}`),
    remoteRepositories: (targetId: number) =>
      request<RemoteRepository[]>(
        'GET',
        `/api/sync/remote/repository-list?${query({ target_id: targetId })}`,
      ),
    remoteDocuments: (targetId: number, repositoryId: number) =>
      request<RemoteDocument[]>(
        'GET',
        `/api/sync/remote/document-list?${query({ target_id: targetId, repository_id: repositoryId })}`,
      ),

    start: (
      direction: SyncDirection,
      options: { targetUrl: string; repositoryId: number; documentIds: number[] | null; clear: boolean },
    ) =>
      direction === 'push'
        ? request<SyncStartResponse>('POST', '/api/sync', {
            target_server: options.targetUrl,
            repository_id: options.repositoryId,
            document_ids: options.documentIds,
            clear_target: options.clear,
          })
        : request<SyncStartResponse>('POST', '/api/sync/pull', {
            target_server: options.targetUrl,
            repository_id: options.repositoryId,
            document_ids: options.documentIds,
            clear_local: options.clear,
          }),
    status: (syncId: string) =>
      request<InstanceSyncStatus>('GET', `/api/sync/status/${encodeURIComponent(syncId)}`),
    /**
     * Follows a session's status stream: `onStatus` for each step, as the server writes it.
     * Resolves with the last status when the server closes the stream (after the session's
     * end, or early if the connection drops); throws if the stream is refused, or if nothing
     * arrives for `idleMs` (a proxy that holds the events back), so the caller can poll.
     */
    async watchStatus(
      syncId: string,
      onStatus: (status: InstanceSyncStatus) => void,
      signal: AbortSignal,
      idleMs = STREAM_HEARTBEAT_MS + 10_000,
    ): Promise<InstanceSyncStatus | null> {
      const stalled = new AbortController();
      let reader: ReadableStreamDefaultReader<string> | undefined;
      // Aborting the request ends a real body; cancelling the reader ends any.
      const stop = () => {
        stalled.abort();
        reader?.cancel().catch(() => {});
      };
      signal.addEventListener('abort', stop, { once: true });
      let idle = setTimeout(stop, idleMs);
      try {
        const body = await api.openStream(
          `/api/sync/status/${encodeURIComponent(syncId)}/stream`,
          stalled.signal,
        );
        reader = body.pipeThrough(new TextDecoderStream()).getReader();
        const parser = createSseParser();
        let last: InstanceSyncStatus | null = null;
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done && stalled.signal.aborted && !signal.aborted)
              throw new Error('The status stream went silent.');
            if (done) return last;
            clearTimeout(idle);
            idle = setTimeout(stop, idleMs);
            for (const message of parser.push(value).messages) {
              if (message.event !== INSTANCE_SYNC_STATUS_EVENT) continue;
              last = JSON.parse(message.data) as InstanceSyncStatus;
              onStatus(last);
            }
          }
        } finally {
          reader.cancel().catch(() => {});
        }
      } finally {
        clearTimeout(idle);
        signal.removeEventListener('abort', stop);
      }
    },
    cancel: (syncId: string) =>
      request<unknown>('POST', `/api/sync/sessions/${encodeURIComponent(syncId)}/cancel`),

    sessions: (
      filter: { limit?: number; offset?: number; repository_id?: number; direction?: SyncDirection } = {},
    ) =>
      request<{ items: SyncSession[]; total: number; limit: number; offset: number }>(
        'GET',
        `/api/sync/sessions?${query(filter)}`,
      ),
    session: (id: string) =>
      request<SyncSessionDetail>('GET', `/api/sync/sessions/${encodeURIComponent(id)}`),

    schedules: () => request<SyncSchedule[]>('GET', '/api/sync/schedule-list'),
    saveSchedule: (schedule: {
      cron: string;
      target_id: number;
      repository_id: number;
      direction: SyncDirection;
      clear: boolean;
    }) => request<SyncSchedule>('POST', '/api/sync/schedule-save', schedule),
    deleteSchedule: (id: number) => request<unknown>('POST', '/api/sync/schedule-delete', { id }),
  };
}

export type InstanceSyncClient = ReturnType<typeof createInstanceSyncClient>;
