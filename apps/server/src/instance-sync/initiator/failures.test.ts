// What goes wrong in real life: one document the receiver refuses, a target that is down, an
// operator cancelling, and a server that dies in the middle of a session.
import { beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createApp } from '../../app.js';
import { jsonOf, listen } from '../../testing/test-app.js';
import { testDatabaseKinds } from '../../testing/test-database.js';
import { instanceSyncOf } from '../index.js';
import { silentLogger } from '../../ops/logger.js';
import { createPeerTokenOn, runSync, saveTarget, seedRepository } from '../../testing/peer-test-kit.js';
import { usePeers, useSeededRepository, withStandInTarget } from '../../testing/peer-test-kit.js';

/** A proxy in front of `upstream` that hides our capabilities (forcing the per-call flow) and can slow every call. */
async function perCallProxy(upstream: string, delayMs: () => number) {
  const calls: string[] = [];
  const app = new Hono().all('/api/sync/*', async (c) => {
    const endpoint = c.req.path.replace('/api/sync/', '');
    calls.push(endpoint);
    if (endpoint === 'ping') return c.json({ code: 'OK', data: null });
    await new Promise((resolve) => setTimeout(resolve, delayMs()));
    const headers = new Headers(c.req.raw.headers);
    headers.delete('host');
    const response = await fetch(`${upstream}/${endpoint}${new URL(c.req.url).search}`, {
      method: c.req.method,
      headers,
      body: c.req.method === 'GET' ? undefined : await c.req.arrayBuffer(),
    });
    return new Response(await response.arrayBuffer(), {
      status: response.status,
      headers: { 'content-type': 'application/json' },
    });
  });
  const server = await listen(app.fetch);
  return { base: `${server.url}/api/sync`, calls, close: server.close };
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(testDatabaseKinds())('instance sync failures on %s', (kind) => {
  const [a, b] = usePeers(kind, {}, {});
  const repo = useSeededRepository(a, 'gamma', 12);
  let token: string;

  beforeAll(async () => {
    token = await createPeerTokenOn(b);
  });

  /** Saves `proxy` (in front of B) as a target and starts pushing a repository through it. */
  async function startPushThrough(proxy: { base: string }, repositoryId: number): Promise<string> {
    await saveTarget(a, proxy.base, { token });
    const body = { target_server: proxy.base, repository_id: repositoryId };
    return (await jsonOf(await a.t.request('POST', '/api/sync', { body }))).data.sync_id;
  }

  it('records a document the receiver refuses, retries it 3 times, and copies the rest', async () => {
    const attempts = new Map<string, number>();
    let nextId = 1000;
    const receiver = new Hono().all('/api/sync/*', async (c) => {
      const endpoint = c.req.path.replace('/api/sync/', '');
      const body = c.req.method === 'POST' ? await c.req.json() : {};
      if (endpoint === 'document-create' && String(body.title).startsWith('Task 3 ')) {
        attempts.set(body.title, (attempts.get(body.title) ?? 0) + 1);
        return c.json({ code: 'INTERNAL_ERROR', error: 'disk full' }, 500);
      }
      // Like openDeepWiki: no data in ping, and id 0 asks the receiver for a new id.
      if (endpoint === 'ping') return c.json({ code: 'OK' });
      if (endpoint === 'repository-list') return c.json({ code: 'OK', data: [] });
      if (endpoint === 'repository-upsert')
        return c.json({ code: 'OK', data: { repository_id: body.repository_id, name: body.name } });
      if (endpoint === 'task-create')
        return c.json({
          code: 'OK',
          data: { task_id: body.task_id || ++nextId, repository_id: body.repository_id, title: body.title },
        });
      if (endpoint === 'document-create')
        return c.json({
          code: 'OK',
          data: {
            document_id: body.document_id || ++nextId,
            repository_id: body.repository_id,
            task_id: body.task_id,
          },
        });
      return c.json({ code: 'OK', data: body });
    });
    await withStandInTarget(a, receiver.fetch, async (base) => {
      const { session } = await runSync(a, '/api/sync', { target_server: base, repository_id: repo.id });
      expect(session).toMatchObject({
        status: 'completed',
        transport: 'per-call',
        total_tasks: 12,
        completed_tasks: 11,
        failed_tasks: 1,
      });
      expect(session.counts).toMatchObject({ failed: 1, updated: 23 });
      expect(session.error).toMatch(/1 row\(s\) failed/);
      const failed = session.items.filter((item: { status: string }) => item.status === 'failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ entity: 'document', title: 'Task 3 doc 1' });
      expect(failed[0].error).toMatch(/answered 500 .*disk full/);
      expect([...attempts.values()]).toEqual([3]);
    });
  });

  it('fails the session with a message naming an unreachable target and the cause', async () => {
    const gone = await listen(() => new Response('bye'));
    await gone.close();
    const base = `${gone.url}/api/sync`;
    await saveTarget(a, base);
    const { session } = await runSync(a, '/api/sync', { target_server: base, repository_id: repo.id });
    expect(session.status).toBe('failed');
    expect(session.error).toContain(base);
    expect(session.error).toMatch(/unreachable: ECONNREFUSED/);
  });

  it('cancels a running session cleanly', async () => {
    const proxy = await perCallProxy(b.base, () => 40);
    try {
      const syncId = await startPushThrough(proxy, repo.id);
      await waitUntil(
        async () =>
          (await jsonOf(await a.t.request('GET', `/api/sync/status/${syncId}`))).data.completed_tasks >= 2,
      );
      const cancelled = await jsonOf(await a.t.request('POST', `/api/sync/sessions/${syncId}/cancel`));
      expect(cancelled.data).toMatchObject({ status: 'cancelled' });
      const callsAtCancel = proxy.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(proxy.calls.length).toBeLessThanOrEqual(callsAtCancel + 1);
      expect(cancelled.data.completed_tasks).toBeLessThan(12);
    } finally {
      await proxy.close();
    }
  });

  it('marks a session whose server died as failed at the next start, and a re-run copies nothing twice', async () => {
    const fresh = await seedRepository(a.t.database.db, 'delta', 10, 2);
    const proxy = await perCallProxy(b.base, () => 30);
    try {
      const syncId = await startPushThrough(proxy, fresh.id);
      await waitUntil(async () => proxy.calls.filter((call) => call === 'document-create').length >= 4);
      await a.sync.stop({ abandon: true }); // the server dies: nothing records the end
      await new Promise((resolve) => setTimeout(resolve, 1200)); // older than the stale limit (1 s in tests)

      const restarted = await createApp({ db: a.t.database.db, config: a.t.config, logger: silentLogger() });
      try {
        const request = (method: string, path: string, body?: unknown) =>
          restarted.request(path, {
            method,
            headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
        const status = (await jsonOf(await request('GET', `/api/sync/status/${syncId}`))).data;
        expect(status.status).toBe('failed');
        expect(status.error).toMatch(/server stopped/);

        const again = (
          await jsonOf(
            await request('POST', '/api/sync', { target_server: proxy.base, repository_id: fresh.id }),
          )
        ).data;
        await instanceSyncOf(restarted)!.initiator.waitFor(again.sync_id);
        const session = (await jsonOf(await request('GET', `/api/sync/sessions/${again.sync_id}`))).data;
        expect(session).toMatchObject({ status: 'completed', completed_tasks: 10 });
        const counts = await b.t.database.db.query(
          `SELECT (SELECT count(*)::int FROM tasks t JOIN repositories r ON r.id = t.repository_id WHERE r.name = 'delta') AS tasks,
                  (SELECT count(*)::int FROM documents d JOIN repositories r ON r.id = d.repository_id WHERE r.name = 'delta') AS documents,
                  (SELECT count(*)::int FROM repositories WHERE name = 'delta') AS repositories`,
        );
        expect(counts[0]).toEqual({ tasks: 10, documents: 20, repositories: 1 });
      } finally {
        await instanceSyncOf(restarted)!.stop();
      }
    } finally {
      await proxy.close();
    }
  });
});
