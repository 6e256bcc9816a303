// What a red-team probe got through on /api/sync, each closed: a repository-scoped initiate
// token acting on other repositories, a peer answering with endless bytes or endless pages,
// a receive-capable peer taking over a local repository, unauthenticated bodies buffered
// before the token check, a signature that did not cover the sender's identity, credentials
// inside a target URL, and a javascript: repository link arriving from a peer.
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { SYNC_HEADERS } from '@wikisync/shared';
import { jsonOf } from '../../apps/server/src/testing/test-app.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { signRequest } from '../../apps/server/src/instance-sync/peer-auth/request-signing.js';
import { callPeer as call, createPeerTokenOn, runSync } from '../../apps/server/src/testing/peer-test-kit.js';
import { saveTarget, usePeers, useSeededRepository } from '../../apps/server/src/testing/peer-test-kit.js';
import { withStandInTarget } from '../../apps/server/src/testing/peer-test-kit.js';

/** A stand-in peer's pull-export answer: `repository` with no tasks or documents. */
const emptyExport = (repository: object, more: object) => ({
  code: 'OK',
  data: { repository, tasks: [], documents: [], ...more },
});

describe.each(testDatabaseKinds())('instance sync abuse on %s', (kind) => {
  const [a, b] = usePeers(kind, { maxResponseBytes: 64 * 1024 }, {});
  const one = useSeededRepository(a, 'repo-one', 2);
  const two = useSeededRepository(a, 'repo-two', 2);

  it('keeps a repository-1 initiate token away from repository 2: sessions, cancel, schedules, targets, remote lists', async () => {
    const bToken = await createPeerTokenOn(b, ['receive', 'export']);
    const targetId = await saveTarget(a, b.base, { token: bToken });
    const pushTwo = await runSync(a, '/api/sync', { target_server: b.base, repository_id: two.id });
    const pushOne = await runSync(a, '/api/sync', { target_server: b.base, repository_id: one.id });
    const schedule = await jsonOf(
      await a.t.request('POST', '/api/sync/schedule-save', {
        body: { cron: '0 3 * * *', target_id: targetId, repository_id: two.id, direction: 'push' },
      }),
    );
    const scoped = await createPeerTokenOn(a, ['initiate'], { repositoryIds: [one.id] });

    const listed = await call(a.base, '/sessions', { token: scoped });
    expect(listed.status).toBe(200);
    expect(listed.json.data.items.map((s: { id: string }) => s.id)).toEqual([pushOne.started.sync_id]);
    for (const endpoint of [`/sessions/${pushTwo.started.sync_id}`, `/status/${pushTwo.started.sync_id}`]) {
      const hidden = await call(a.base, endpoint, { token: scoped });
      expect(hidden.status).toBe(404);
      expect(JSON.stringify(hidden.json)).not.toContain('repo-two');
    }
    expect((await call(a.base, `/status/${pushOne.started.sync_id}`, { token: scoped })).status).toBe(200);
    const cancel = await call(a.base, `/sessions/${pushTwo.started.sync_id}/cancel`, {
      token: scoped,
      body: {},
    });
    expect(cancel.status).toBe(404);
    const remove = await call(a.base, '/schedule-delete', { token: scoped, body: { id: schedule.data.id } });
    expect(remove.status).toBe(404);
    expect((await a.t.request('GET', '/api/sync/schedule-list').then(jsonOf)).data).toHaveLength(1);
    expect((await call(a.base, '/schedule-list', { token: scoped })).json.data).toEqual([]);
    expect((await call(a.base, '/target-list', { token: scoped })).status).toBe(403);
    const remote = await call(a.base, `/remote/repository-list?target_id=${targetId}`, { token: scoped });
    expect(remote.status).toBe(403);
  });

  it('cuts off a peer answer larger than the limit, and ends a remote list within its deadline', async () => {
    const huge = new Hono().all('/api/sync/*', (c) => {
      if (c.req.path.endsWith('/ping')) return c.json({ code: 'OK' });
      // An endless JSON string: never finishes, always grows.
      const stream = new ReadableStream({
        pull(controller) {
          controller.enqueue(new TextEncoder().encode('x'.repeat(16 * 1024)));
        },
      });
      return new Response(stream, { headers: { 'content-type': 'application/json' } });
    });
    await withStandInTarget(a, huge.fetch, async (_base, targetId) => {
      const before = process.memoryUsage().rss;
      const started = Date.now();
      const answer = await a.t.request('GET', `/api/sync/remote/repository-list?target_id=${targetId}`);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect((await jsonOf(answer)).error).toMatch(/grew past the 65536 bytes/);
      expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    });
  });

  it('stops a pull whose source never stops paging, and the next pull may start', async () => {
    let exports = 0;
    const endless = new Hono().all('/api/sync/*', async (c) => {
      const endpoint = c.req.path.replace(/.*\/api\/sync\//, '');
      if (endpoint === 'ping')
        return c.json({
          code: 'OK',
          data: { instance_uid: 'endless-source', capabilities: { paged_export: true } },
        });
      exports++;
      const repository = { repository_id: 1, name: 'endless', uid: 'endless-repo' };
      return c.json(
        emptyExport(repository, { next_cursor: 't:1', total_tasks: 0, total_documents: 0, checkpoint: 1 }),
      );
    });
    await withStandInTarget(a, endless.fetch, async (base) => {
      const first = await runSync(a, '/api/sync/pull', { target_server: base, repository_id: 1 });
      expect(first.session.status).toBe('failed');
      expect(first.session.error).toMatch(/cursor "t:1".*cannot run for ever/);
      expect(exports).toBeLessThanOrEqual(3);
      const second = await a.t.request('POST', '/api/sync/pull', {
        body: { target_server: base, repository_id: 1 },
      });
      expect(second.status).toBe(200);
      await a.sync.initiator.waitFor((await jsonOf(second)).data.sync_id);
    });
  });

  it('lets an unscoped receive token create repositories but not take over a local one', async () => {
    const receive = await createPeerTokenOn(a, ['receive']);
    const [local] = await a.t.database.db.query<{ uid: string; name: string }>(
      'SELECT uid, name FROM repositories WHERE id = $1',
      [one.id],
    );
    const takeover = await call(a.base, '/repository-upsert', {
      token: receive,
      body: { repository_id: 900, uid: local!.uid, name: 'owned' },
    });
    expect(takeover.status).toBe(403);
    expect(takeover.json.error).toMatch(/scoped to that repository/);
    const cleared = await call(a.base, '/repository-clear', {
      token: receive,
      body: { repository_id: one.id },
    });
    expect(cleared.status).toBe(404);
    const [after] = await a.t.database.db.query(
      'SELECT name, (SELECT count(*)::int FROM tasks WHERE repository_id = $1 AND NOT deleted) AS tasks FROM repositories WHERE id = $1',
      [one.id],
    );
    expect(after).toEqual({ name: local!.name, tasks: 2 });
    // Its own new repository is fine, and so is the local one once the operator scopes a token to it.
    expect(
      (
        await call(a.base, '/repository-upsert', {
          token: receive,
          body: { repository_id: 901, name: 'new' },
        })
      ).status,
    ).toBe(200);
    const scoped = await createPeerTokenOn(a, ['receive'], { repositoryIds: [one.id] });
    const allowed = await call(a.base, '/repository-upsert', {
      token: scoped,
      body: { repository_id: 902, uid: local!.uid, name: local!.name },
    });
    expect(allowed.status).toBe(200);
  });

  it('refuses an unauthenticated body before reading it', async () => {
    // The body never ends: only a server that answers before reading it can reply at all.
    const url = new URL(`${a.base}/repository-upsert`);
    const status = await new Promise<number | null>((resolve) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        },
        (response) => {
          resolve(response.statusCode ?? null);
          response.resume();
          request.destroy();
        },
      );
      request.on('error', () => resolve(null));
      request.write('{"repository_id":1,"name":"');
      setTimeout(() => (request.destroy(), resolve(null)), 5000);
    });
    expect(status).toBe(401);
  });

  it('signs the sender instance: a request moved to another instance is refused', async () => {
    const secret = 'instance-signing-secret-0123456789';
    const token = await createPeerTokenOn(a, ['receive', 'export'], { signingSecret: secret });
    const path = new URL(`${a.base}/repository-list`).pathname;
    const signed = signRequest(secret, { method: 'GET', path, body: '', instance: 'instance-one' });
    const good = await call(a.base, '/repository-list', {
      token,
      headers: { ...signed, [SYNC_HEADERS.instance]: 'instance-one' },
    });
    expect(good.status).toBe(200);
    const moved = await call(a.base, '/repository-list', {
      token,
      headers: {
        ...signRequest(secret, { method: 'GET', path, body: '', instance: 'instance-one' }),
        [SYNC_HEADERS.instance]: 'instance-two',
      },
    });
    expect(moved.status).toBe(401);
    expect(moved.json.error).toMatch(/signature does not match/);
  });

  it('keeps a peer row whose metadata is nested too deep, without that metadata, and says so', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 3000; level++) deep = { next: deep };
    await a.t.request('POST', '/api/sync/repository-upsert', { body: { repository_id: 960, name: 'deep' } });
    const answer = await jsonOf(
      await a.t.request('POST', '/api/sync/batch-upsert', {
        body: { repository_id: 960, tasks: [{ task_id: 1, title: 'deep task', metadata: deep }] },
      }),
    );
    expect(answer.data.tasks).toEqual([
      expect.objectContaining({
        id: 1,
        result: 'created',
        error: expect.stringMatching(/without its metadata/),
      }),
    ]);
    const [row] = await a.t.database.db.query('SELECT metadata FROM tasks WHERE id = $1', [
      answer.data.tasks[0].local_id,
    ]);
    expect(row).toEqual({ metadata: {} });
  });

  it('refuses a gzip body that inflates past the body limit', async () => {
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024, 32));
    const response = await fetch(`${a.base}/batch-upsert`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer test-admin-token',
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: bomb,
    });
    expect(response.status).toBe(413);
  });

  it('refuses credentials inside a target URL', async () => {
    const answer = await a.t.request('POST', '/api/sync/target-save', {
      body: { url: 'http://user:secret@127.0.0.1:9/api/sync' },
    });
    expect(answer.status).toBe(400);
    expect((await jsonOf(answer)).error).toMatch(/user name or password/);
  });

  it('stores a peer repository link that is not http(s) as empty, and says so in the pull', async () => {
    const upserted = await a.t.request('POST', '/api/sync/repository-upsert', {
      body: { repository_id: 950, name: 'linked', url: 'javascript:alert(document.cookie)' },
    });
    expect(upserted.status).toBe(200);
    const [row] = await a.t.database.db.query('SELECT url FROM repositories WHERE name = $1', ['linked']);
    expect(row).toEqual({ url: '' });

    const source = new Hono().all('/api/sync/*', (c) => {
      if (c.req.path.endsWith('/ping')) return c.json({ code: 'OK' });
      const repository = { repository_id: 5, name: 'from-peer', url: 'data:text/html,<script>1</script>' };
      return c.json(emptyExport(repository, { task_usages: [] }));
    });
    await withStandInTarget(a, source.fetch, async (base) => {
      const pulled = await runSync(a, '/api/sync/pull', { target_server: base, repository_id: 5 });
      expect(pulled.session.status).toBe('completed');
      const item = pulled.session.items.find((each: { entity: string }) => each.entity === 'repository');
      expect(item.error).toMatch(/not an http\(s\) link and was stored empty/);
      const [stored] = await a.t.database.db.query('SELECT url FROM repositories WHERE name = $1', [
        'from-peer',
      ]);
      expect(stored).toEqual({ url: '' });
    });
  });
});
