// The peer client checks every answer against its endpoint in SYNC_ENDPOINTS: callers get
// typed data or a PeerRequestError that names the endpoint and what was wrong, never a
// half-read answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { listen } from '../../testing/test-app.js';
import { PeerRequestError } from '../../errors.js';
import { createPeerClient, type PeerClient } from './peer-client.js';

describe('the peer client', () => {
  const calls: string[] = [];
  let server: Awaited<ReturnType<typeof listen>>;
  let client: PeerClient;

  beforeAll(async () => {
    const peer = new Hono().all('/api/sync/*', (c) => {
      calls.push(`${c.req.method} ${c.req.path.replace('/api/sync', '')}${new URL(c.req.url).search}`);
      const endpoint = c.req.path.replace('/api/sync/', '');
      // openDeepWiki's ping: no data at all.
      if (endpoint === 'ping') return c.json({ code: 'OK' });
      if (endpoint === 'repository-list')
        return c.json({ code: 'OK', data: [{ repository_id: '7', name: 'wiki', extra: true }] });
      if (endpoint === 'document-list') return c.json({ code: 'OK', data: [] });
      // A task-create answer without the receiver's task id: the sender could not go on.
      return c.json({ code: 'OK', data: { repository_id: 7, title: 'no id' } });
    });
    server = await listen(peer.fetch);
    client = createPeerClient({
      baseUrl: `${server.url}/api/sync`,
      token: null,
      signingSecret: null,
      instanceUid: 'peer-client-test',
      timeoutMs: 2000,
      retryBaseMs: 1,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("returns the answer's data as its endpoint's schema reads it", async () => {
    expect(await client.call('repository-list')).toEqual([{ repository_id: 7, name: 'wiki' }]);
    expect(await client.call('ping')).toEqual({});
    expect(await client.call('document-list', { repository_id: 7 })).toEqual([]);
    expect(calls).toContain('GET /document-list?repository_id=7');
  });

  it('turns an answer that does not fit into a peer error naming the endpoint and the field', async () => {
    calls.length = 0;
    const failure = await client.call('task-create', { repository_id: 7, title: 'one' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PeerRequestError);
    expect(failure).toMatchObject({ code: 'BAD_GATEWAY', status: 200, retryable: false });
    expect((failure as Error).message).toMatch(/answered POST \/task-create with data .*task_id/);
    // A wrong answer does not get better by asking again.
    expect(calls).toEqual(['POST /task-create']);
  });
});
