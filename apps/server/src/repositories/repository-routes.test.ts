import { describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';

describe.each(testDatabaseKinds())('repositories REST API on %s', (kind) => {
  const t = useTestApp(kind);

  it('creates, reads, updates, lists and deletes a repository', async () => {
    const created = await t.request('POST', '/api/repositories', {
      body: { name: 'alpha', url: 'https://example.com/alpha', metadata: { stars: 3 } },
    });
    expect(created.status).toBe(201);
    const repo = (await jsonOf(created)).data;
    expect(repo).toMatchObject({
      name: 'alpha',
      status: 'pending',
      clone_branch: 'main',
      metadata: { stars: 3 },
    });
    expect(repo.uid).toMatch(/^[0-9a-f-]{36}$/);

    const fetched = await jsonOf(await t.request('GET', `/api/repositories/${repo.id}`));
    expect(fetched).toEqual({ code: 'OK', data: repo });

    const updated = await t.request('PATCH', `/api/repositories/${repo.id}`, { body: { status: 'ready' } });
    expect((await jsonOf(updated)).data).toMatchObject({ id: repo.id, status: 'ready', name: 'alpha' });

    const list = (await jsonOf(await t.request('GET', '/api/repositories?limit=10'))).data;
    expect(list.items.map((r: { id: number }) => r.id)).toContain(repo.id);

    expect((await t.request('DELETE', `/api/repositories/${repo.id}`)).status).toBe(200);
    expect((await t.request('GET', `/api/repositories/${repo.id}`)).status).toBe(404);
    const tombstone = await t.database.db.query('SELECT deleted FROM repositories WHERE id = $1', [repo.id]);
    expect(tombstone).toEqual([{ deleted: true }]);
  });

  it('pages lists with limit and offset and reports the total', async () => {
    for (const name of ['p-1', 'p-2', 'p-3'])
      await t.request('POST', '/api/repositories', { body: { name } });
    const first = (await jsonOf(await t.request('GET', '/api/repositories?limit=2&offset=0'))).data;
    const second = (await jsonOf(await t.request('GET', '/api/repositories?limit=2&offset=2'))).data;
    expect(first.items).toHaveLength(2);
    expect(first.total).toBe(second.total);
    const ids = [...first.items, ...second.items].map((r: { id: number }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a uid that is taken with 409', async () => {
    await t.request('POST', '/api/repositories', { body: { uid: 'fixed-uid', name: 'one' } });
    const again = await t.request('POST', '/api/repositories', { body: { uid: 'fixed-uid', name: 'two' } });
    expect(again.status).toBe(409);
    expect((await jsonOf(again)).error).toMatch(/fixed-uid/);
  });
});
