import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';

describe.each(testDatabaseKinds())('tasks and documents REST API on %s', (kind) => {
  const t = useTestApp(kind);
  let repositoryId: number;
  beforeAll(async () => {
    repositoryId = (await jsonOf(await t.request('POST', '/api/repositories', { body: { name: 'docs' } })))
      .data.id;
  });

  async function data(response: Response) {
    const body = await jsonOf(response);
    if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`);
    return body.data;
  }

  it('links a task and its document both ways', async () => {
    const task = await data(
      await t.request('POST', '/api/tasks', { body: { repository_id: repositoryId, title: 'Overview' } }),
    );
    const document = await data(
      await t.request('POST', '/api/documents', {
        body: { repository_id: String(repositoryId), task_id: task.id, title: 'Overview', content: '# Hi' },
      }),
    );
    const linked = await data(
      await t.request('PATCH', `/api/tasks/${task.id}`, { body: { doc_id: document.id } }),
    );
    expect(linked.doc_id).toBe(document.id);

    const byTask = await data(await t.request('GET', `/api/documents?task_id=${task.id}`));
    expect(byTask.items.map((d: { uid: string }) => d.uid)).toEqual([document.uid]);
    const byRepository = await data(await t.request('GET', `/api/tasks?repository_id=${repositoryId}`));
    expect(byRepository.items[0]).toMatchObject({ id: task.id, doc_id: document.id });
  });

  it('normalises times to UTC milliseconds', async () => {
    const task = await data(
      await t.request('POST', '/api/tasks', {
        body: { repository_id: repositoryId, title: 'Timed', started_at: '2024-01-01T08:00:00+08:00' },
      }),
    );
    expect(task.started_at).toBe('2024-01-01T00:00:00.000Z');
  });

  it('refuses references to rows of another repository or to nothing', async () => {
    const other = await data(await t.request('POST', '/api/repositories', { body: { name: 'other' } }));
    const foreignTask = await data(
      await t.request('POST', '/api/tasks', { body: { repository_id: other.id, title: 'x' } }),
    );
    const response = await t.request('POST', '/api/documents', {
      body: { repository_id: repositoryId, task_id: foreignTask.id, title: 'bad' },
    });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error).toMatch(/task_id \d+ is not a task of repository/);

    const missing = await t.request('POST', '/api/tasks', { body: { repository_id: 987654, title: 'x' } });
    expect(missing.status).toBe(404);
    const count = await t.database.db.query('SELECT count(*) AS n FROM documents WHERE title = $1', ['bad']);
    expect(count).toEqual([{ n: 0 }]);
  });

  it('deleting a document clears the task link and leaves a tombstone', async () => {
    const task = await data(
      await t.request('POST', '/api/tasks', { body: { repository_id: repositoryId, title: 'T' } }),
    );
    const document = await data(
      await t.request('POST', '/api/documents', {
        body: { repository_id: repositoryId, task_id: task.id, title: 'D' },
      }),
    );
    await data(await t.request('PATCH', `/api/tasks/${task.id}`, { body: { doc_id: document.id } }));
    await data(await t.request('DELETE', `/api/documents/${document.id}`));
    expect((await t.request('GET', `/api/documents/${document.id}`)).status).toBe(404);
    expect((await data(await t.request('GET', `/api/tasks/${task.id}`))).doc_id).toBeNull();
  });
});
