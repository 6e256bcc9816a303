// The openDeepWiki wire details that the real peer (test/instance-sync/open-deepwiki-interop)
// does not reach on its own: both forms of task-usage-create, nanosecond times with an
// offset and Go's zero time, references sent before their target, what our export looks
// like to a Go decoder, and the browser origins that may read the two lists.
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../../testing/test-app.js';
import { testDatabaseKinds } from '../../testing/test-database.js';
import { fastSyncConfig } from '../../testing/peer-test-kit.js';

const PAGE = 'https://wiki.example.com';

describe.each(testDatabaseKinds())('openDeepWiki wire details on %s', (kind) => {
  const t = useTestApp(kind, { sync: fastSyncConfig({ corsOrigins: [PAGE] }) });
  let localRepositoryId: number;
  // Sent with the admin token: app.request() has no socket address for the tokenless rule,
  // which the interop suite exercises with the real peer.
  const send = async (endpoint: string, body?: unknown) => {
    const response = await t.request(body === undefined ? 'GET' : 'POST', `/api/sync/${endpoint}`, { body });
    return { status: response.status, json: await jsonOf(response) };
  };

  beforeAll(async () => {
    const upserted = await send('repository-upsert', { repository_id: 40, name: '仓库' });
    expect(upserted.status).toBe(200);
    localRepositoryId = upserted.json.data.repository_id;
  });

  it('reads nanosecond times with any offset, and Go zero time as none', async () => {
    const task = await send('task-create', {
      task_id: 7,
      repository_id: 40,
      title: '概述',
      status: 'completed',
      run_after: 0,
      doc_id: 0,
      started_at: '0001-01-01T00:00:00Z',
      completed_at: '2026-02-10T12:00:00.123456789+08:00',
      created_at: '2026-02-10T12:00:00.987654321-03:30',
    });
    expect(task.status).toBe(200);
    const [row] = await t.database.db.query(
      'SELECT status, started_at, completed_at, created_at FROM tasks WHERE id = $1',
      [task.json.data.task_id],
    );
    expect(row!.status).toBe('succeeded');
    expect(row!.started_at).toBeNull();
    expect(new Date(row!.completed_at as string).toISOString()).toBe('2026-02-10T04:00:00.123Z');
    expect(new Date(row!.created_at as string).toISOString()).toBe('2026-02-10T15:30:00.987Z');
  });

  it('links run_after and replaced_by sent before their target arrives', async () => {
    const waiting = await send('task-create', {
      task_id: 8,
      repository_id: 40,
      title: 'later',
      run_after: 9,
    });
    const target = await send('task-create', { task_id: 9, repository_id: 40, title: 'first' });
    const [task] = await t.database.db.query('SELECT run_after_id FROM task_rows WHERE id = $1', [
      waiting.json.data.task_id,
    ]);
    expect(Number(task!.run_after_id)).toBe(target.json.data.task_id);

    // An older version naming a newer one not sent yet; the newer one arrives next.
    const old = await send('document-create', {
      document_id: 70,
      repository_id: 40,
      task_id: target.json.data.task_id,
      title: 'page',
      version: 1,
      is_latest: false,
      replaced_by: 71,
    });
    const newer = await send('document-create', {
      document_id: 71,
      repository_id: 40,
      task_id: target.json.data.task_id,
      title: 'page',
      version: 2,
      is_latest: true,
      replaced_by: 0,
    });
    const [document] = await t.database.db.query('SELECT replaced_by FROM document_rows WHERE id = $1', [
      old.json.data.document_id,
    ]);
    expect(Number(document!.replaced_by)).toBe(newer.json.data.document_id);
    const [pending] = await t.database.db.query('SELECT count(*)::int AS n FROM sync_pending_links');
    expect(pending).toEqual({ n: 0 });
  });

  it('takes task usages in the batch form (replacing all) and the single-row form', async () => {
    const task = await send('task-create', { task_id: 10, repository_id: 40, title: 'with usage' });
    const taskId = task.json.data.task_id as number;
    const batch = await send('task-usage-create', {
      task_id: taskId,
      task_usages: [
        {
          id: 0,
          task_id: taskId,
          api_key_name: 'deepseek',
          prompt_tokens: 10,
          completion_tokens: 5,
          total_tokens: 15,
          created_at: '2026-02-10T12:00:00.123456789+08:00',
        },
        {
          id: 0,
          task_id: taskId,
          api_key_name: 'qwen',
          prompt_tokens: 1,
          completion_tokens: 1,
          total_tokens: 2,
          created_at: '2026-02-10T12:00:00+08:00',
        },
      ],
    });
    expect(batch).toMatchObject({ status: 200, json: { code: 'OK', data: { task_id: taskId } } });
    const totals = async () =>
      (
        await jsonOf(
          await t.request('GET', '/api/repositories/' + String(task.json.data.repository_id) + '/task-usage'),
        )
      ).data.items;
    expect(await totals()).toEqual([
      expect.objectContaining({ task_id: taskId, usages: 2, total_tokens: 17 }),
    ]);
    const single = await send('task-usage-create', {
      task_id: taskId,
      api_key_name: 'glm',
      total_tokens: 99,
    });
    expect(single.status).toBe(200);
    expect(await totals()).toEqual([expect.objectContaining({ usages: 1, total_tokens: 99 })]);

    const mixed = await send('task-usage-create', {
      task_id: taskId,
      task_usages: [{ task_id: taskId + 1000, api_key_name: 'x' }],
    });
    expect(mixed.status).toBe(400);
    expect(mixed.json.error).toMatch(/task_usages: every usage must belong to task/);
    const unknown = await send('task-usage-create', { task_id: 999_999, api_key_name: 'x' });
    expect(unknown.status).toBe(404);
  });

  it('exports ids as numbers with 0 for none and never an empty time, with the usages', async () => {
    const exported = (await send('pull-export', { repository_id: localRepositoryId })).json.data;
    for (const task of exported.tasks) {
      for (const field of ['task_id', 'repository_id', 'doc_id', 'run_after'])
        expect(typeof task[field]).toBe('number');
      for (const field of ['started_at', 'completed_at', 'created_at', 'updated_at'])
        expect(task[field]).not.toBe('');
    }
    for (const document of exported.documents)
      for (const field of ['document_id', 'task_id', 'replaced_by'])
        expect(typeof document[field]).toBe('number');
    expect(exported.task_usages).toEqual([
      expect.objectContaining({ api_key_name: 'glm', total_tokens: 99, task_id: expect.any(Number) }),
    ]);
  });

  it('lets an allowed openDeepWiki page read the two lists from the browser, and nothing else', async () => {
    const list = await t.app.request('/api/sync/repository-list', { headers: { origin: PAGE } });
    expect(list.status).toBe(200);
    expect(list.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect((await jsonOf(list)).data).toEqual([expect.objectContaining({ name: '仓库' })]);
    const preflight = await t.app.request('/api/sync/document-list?repository_id=1', {
      method: 'OPTIONS',
      headers: { origin: PAGE, 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/GET/);

    const export_ = await t.app.request('/api/sync/pull-export', {
      method: 'POST',
      headers: { origin: PAGE, 'content-type': 'application/json' },
      body: JSON.stringify({ repository_id: 1 }),
    });
    expect(export_.status).toBe(401);
    expect(export_.headers.get('access-control-allow-origin')).toBeNull();
    const stranger = await t.app.request('/api/sync/repository-list', {
      headers: { origin: 'https://evil.example.com' },
    });
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });
});
