// A peer that answers wrongly is the peer's failure, not our caller's: through the real app a
// remote list answers 502 BAD_GATEWAY with what the peer said or what was wrong with its
// answer, and a push records the row the answer was for as failed, naming the endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { jsonOf, listen } from '../../testing/test-app.js';
import { testDatabaseKinds } from '../../testing/test-database.js';
import { runSync, saveTarget, seedRepository, startPeer, type Peer } from '../../testing/peer-test-kit.js';

/** An openDeepWiki-like peer that answers `repositories` to repository-list and task-create wrongly. */
function misbehavingPeer(repositories: unknown) {
  return new Hono().all('/api/sync/*', async (c) => {
    const endpoint = c.req.path.replace('/api/sync/', '');
    const body = c.req.method === 'POST' ? await c.req.json() : {};
    if (endpoint === 'ping') return c.json({ code: 'OK' });
    if (endpoint === 'repository-list') return c.json({ code: 'OK', data: repositories });
    // openDeepWiki's own refusal: 400 with its message and no code.
    if (endpoint === 'document-list') return c.json({ error: '仓库不存在: record not found' }, 400);
    if (endpoint === 'repository-upsert')
      return c.json({ code: 'OK', data: { repository_id: body.repository_id, name: body.name } });
    // task-create answers without the receiver's task id, so its documents cannot follow.
    if (endpoint === 'task-create') return c.json({ code: 'OK', data: { title: body.title } });
    return c.json({ code: 'OK', data: body });
  });
}

describe.each(testDatabaseKinds())('wrong answers from a peer on %s', (kind) => {
  let a: Peer;
  let peer: Awaited<ReturnType<typeof listen>>;
  let targetId: number;
  const base = () => `${peer.url}/api/sync`;

  beforeAll(async () => {
    // A repository list of the wrong shape: names must be text.
    [a, peer] = await Promise.all([
      startPeer(kind),
      listen(misbehavingPeer([{ repository_id: 3, name: 42 }]).fetch),
    ]);
    targetId = await saveTarget(a, base());
  });
  afterAll(async () => {
    await peer?.close();
    await a?.close();
  });

  it('answers 502 naming the endpoint and the field when a remote list has the wrong shape', async () => {
    const response = await a.t.request('GET', `/api/sync/remote/repository-list?target_id=${targetId}`);
    expect(response.status).toBe(502);
    const answer = await jsonOf(response);
    expect(answer.code).toBe('BAD_GATEWAY');
    expect(answer.error).toContain(base());
    expect(answer.error).toMatch(/GET \/repository-list .*0\.name/);
  });

  it("answers 502 with the peer's own message when the peer refuses a remote list", async () => {
    const response = await a.t.request(
      'GET',
      `/api/sync/remote/document-list?target_id=${targetId}&repository_id=3`,
    );
    expect(response.status).toBe(502);
    const answer = await jsonOf(response);
    expect(answer.code).toBe('BAD_GATEWAY');
    expect(answer.error).toContain('answered 400');
    expect(answer.error).toContain('仓库不存在: record not found');
  });

  it('fails the rows a push could not use the answer for, naming the endpoint', async () => {
    // A push to openDeepWiki reads its repository list first: this peer's is a right one.
    const receiver = await listen(misbehavingPeer([]).fetch);
    try {
      const receiverBase = `${receiver.url}/api/sync`;
      await saveTarget(a, receiverBase);
      const repository = await seedRepository(a.t.database.db, 'answers', 2, 1);
      const { session } = await runSync(a, '/api/sync', {
        target_server: receiverBase,
        repository_id: repository.id,
      });
      expect(session).toMatchObject({ status: 'completed', failed_tasks: 2 });
      const tasks = session.items.filter((item: { entity: string }) => item.entity === 'task');
      expect(tasks).toHaveLength(2);
      for (const task of tasks) {
        expect(task.status).toBe('failed');
        expect(task.error).toMatch(/POST \/task-create with data .*task_id/);
      }
    } finally {
      await receiver.close();
    }
  });
});
