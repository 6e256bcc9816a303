// The status stream as the page reads it: each status event in order, the end when the server
// closes, and a stream that goes silent (a proxy holding the events back) given up on, so
// the page can poll instead.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InstanceSyncStatus } from '@wikisync/shared';
import { createApiClient } from './client';
import { createInstanceSyncClient } from './instance-sync-client';

const status = (completed: number, state = 'in_progress') =>
  ({ sync_id: 's1', completed_tasks: completed, total_tasks: 2, status: state }) as InstanceSyncStatus;

function serve(chunks: string[], close: boolean) {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    requests.push({ url, headers: init.headers as Record<string, string> });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        if (close) controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  });
  return requests;
}

const client = () => createInstanceSyncClient(createApiClient(() => 'token-1'));

describe('watchStatus', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('passes each status on, with the token, and ends with the last one when the server closes', async () => {
    const requests = serve(
      [
        `event: status\ndata: ${JSON.stringify(status(1))}\n\n: heartbeat\n\n`,
        `event: status\ndata: ${JSON.stringify(status(2, 'completed'))}\n\n`,
      ],
      true,
    );
    const seen: number[] = [];
    const last = await client().watchStatus(
      's 1',
      (next) => seen.push(next.completed_tasks),
      new AbortController().signal,
    );
    expect(seen).toEqual([1, 2]);
    expect(last).toMatchObject({ status: 'completed' });
    expect(requests[0]!.url).toBe('/api/sync/status/s%201/stream');
    expect(requests[0]!.headers.authorization).toBe('Bearer token-1');
  });

  it('gives up on a stream that stays silent, so the caller can poll', async () => {
    serve([`event: status\ndata: ${JSON.stringify(status(1))}\n\n`], false);
    const seen: number[] = [];
    await expect(
      client().watchStatus('s1', (next) => seen.push(next.completed_tasks), new AbortController().signal, 50),
    ).rejects.toThrow();
    expect(seen).toEqual([1]);
  });
});
