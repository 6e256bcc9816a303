// The live part of replication: one fetch-based SSE connection to `/api/v1/sync/stream`,
// turned into a `'RESYNC'` observable per collection for RxDB's `pull.stream$`.
//
// Every (re)connect (the server's `ready` event) and every change event means "pull now":
// the events carry only a checkpoint, and RxDB pulls through the normal handler, so nothing
// can be missed while the stream was down. The observables never error (RxDB would stop listening for good):
// failures are reported through `onError` and the connection is retried with backoff.
// A connection silent for longer than `idleTimeoutMs` (no heartbeat) is treated as dead.
// An `access` event (a grant given or taken) is passed on and means "pull everything now".
import { Subject, type Observable } from 'rxjs';
import { REPLICATION_COLLECTIONS, STREAM_HEARTBEAT_MS, type CollectionName } from '@wikisync/shared';
import { createSseParser } from './sse-parser';
import type { FetchLike } from './sync-transport';

export type StreamItem = 'RESYNC';

export interface ChangeStreamOptions {
  url: string;
  headers: () => Record<string, string>;
  fetch: FetchLike;
  onError?: (error: Error) => void;
  onConnected?: () => void;
  /** The readable repository ids after a grant was given or taken. */
  onAccess?: (readableIds: number[]) => void;
  minRetryMs?: number;
  maxRetryMs?: number;
  idleTimeoutMs?: number;
}

export interface ChangeStream {
  for(collection: CollectionName): Observable<StreamItem>;
  start(): void;
  stop(): void;
  readonly connected: boolean;
}

export function createChangeStream({
  url,
  headers,
  fetch: fetchImpl,
  onError = () => {},
  onConnected = () => {},
  onAccess = () => {},
  minRetryMs = 500,
  maxRetryMs = 30_000,
  idleTimeoutMs = STREAM_HEARTBEAT_MS * 2 + 5_000,
}: ChangeStreamOptions): ChangeStream {
  const subjects = new Map<CollectionName, Subject<StreamItem>>(
    REPLICATION_COLLECTIONS.map((collection) => [collection, new Subject<StreamItem>()]),
  );
  let controller: AbortController | null = null;
  let connected = false;
  let generation = 0;

  const resyncAll = () => subjects.forEach((subject) => subject.next('RESYNC'));

  async function readOnce(signal: AbortSignal, abort: () => void): Promise<void> {
    const response = await fetchImpl(url, { headers: { accept: 'text/event-stream', ...headers() }, signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`The change stream was refused (HTTP ${response.status}).`);
    }
    const parser = createSseParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let idle = setTimeout(abort, idleTimeoutMs);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        clearTimeout(idle);
        idle = setTimeout(abort, idleTimeoutMs);
        for (const message of parser.push(value).messages) {
          if (message.event === 'ready') {
            // The server sends `ready` once it listens for changes: pulling from here on
            // cannot miss a write, whereas pulling at the response headers could.
            connected = true;
            onConnected();
            resyncAll();
            continue;
          }
          if (message.event === 'access') {
            const ids = (JSON.parse(message.data) as { readable_repository_ids?: unknown })
              .readable_repository_ids;
            if (Array.isArray(ids)) onAccess(ids.filter((id): id is number => typeof id === 'number'));
            resyncAll();
            continue;
          }
          if (message.event !== 'change') continue;
          const collection = (JSON.parse(message.data) as { collection?: CollectionName }).collection;
          const subject = collection ? subjects.get(collection) : undefined;
          subject?.next('RESYNC');
        }
      }
    } finally {
      clearTimeout(idle);
      connected = false;
      reader.cancel().catch(() => {});
    }
  }

  async function loop(own: number, signal: AbortSignal): Promise<void> {
    let delay = minRetryMs;
    while (own === generation && !signal.aborted) {
      const attempt = new AbortController();
      const stopAttempt = () => attempt.abort();
      signal.addEventListener('abort', stopAttempt, { once: true });
      try {
        await readOnce(attempt.signal, stopAttempt);
        delay = minRetryMs;
      } catch (error) {
        if (signal.aborted) return;
        onError(error instanceof Error ? error : new Error(String(error)));
      } finally {
        signal.removeEventListener('abort', stopAttempt);
      }
      if (own !== generation || signal.aborted) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      delay = Math.min(delay * 2, maxRetryMs);
    }
  }

  return {
    for(collection) {
      return subjects.get(collection)!.asObservable();
    },
    start() {
      if (controller) return;
      controller = new AbortController();
      const own = ++generation;
      void loop(own, controller.signal);
    },
    stop() {
      generation++;
      controller?.abort();
      controller = null;
      connected = false;
    },
    get connected() {
      return connected;
    },
  };
}
