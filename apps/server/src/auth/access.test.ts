import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';
import { grantAccess, revokeToken } from './user-store.js';

describe.each(testDatabaseKinds())('authentication and grants on %s', (kind) => {
  const t = useTestApp(kind);
  let visibleId: number;
  let hiddenId: number;
  let reader: { userId: number; token: string };
  beforeAll(async () => {
    const create = async (name: string) =>
      (await jsonOf(await t.request('POST', '/api/repositories', { body: { name } }))).data.id as number;
    visibleId = await create('visible');
    hiddenId = await create('hidden');
    reader = await t.createUserWithToken('reader');
    await grantAccess(t.database.db, reader.userId, visibleId, 'read');
  });

  it('answers 401 without a token, with a malformed header and with an unknown token', async () => {
    for (const token of [null, 'nope']) {
      const response = await t.request('GET', '/api/repositories', { token });
      expect(response.status).toBe(401);
      expect((await jsonOf(response)).code).toBe('UNAUTHORIZED');
    }
    const malformed = await t.app.request('/api/repositories', { headers: { authorization: 'Token abc' } });
    expect(malformed.status).toBe(401);
  });

  it('shows a user only the repositories granted to them', async () => {
    const list = (await jsonOf(await t.request('GET', '/api/repositories', { token: reader.token }))).data;
    expect(list.items.map((r: { id: number }) => r.id)).toEqual([visibleId]);
    expect(list.total).toBe(1);
    expect((await t.request('GET', `/api/repositories/${hiddenId}`, { token: reader.token })).status).toBe(
      404,
    );
  });

  it('answers 403 to writes without write access (404 when unreadable) and changes nothing', async () => {
    for (const [id, status, message] of [
      [visibleId, 403, /write access/],
      [hiddenId, 404, /was not found/],
    ] as const) {
      const response = await t.request('PATCH', `/api/repositories/${id}`, {
        body: { name: 'x' },
        token: reader.token,
      });
      expect(response.status).toBe(status);
      expect((await jsonOf(response)).error).toMatch(message);
    }
    const task = await t.request('POST', '/api/tasks', {
      body: { repository_id: visibleId, title: 'x' },
      token: reader.token,
    });
    expect(task.status).toBe(403);
    const names = await t.database.db.query('SELECT name FROM repositories ORDER BY id');
    expect(names).toEqual([{ name: 'visible' }, { name: 'hidden' }]);
  });

  it('lets a user write what they created', async () => {
    const writer = await t.createUserWithToken('writer');
    const created = await t.request('POST', '/api/repositories', {
      body: { name: 'mine' },
      token: writer.token,
    });
    const id = (await jsonOf(created)).data.id;
    const patched = await t.request('PATCH', `/api/repositories/${id}`, {
      body: { name: 'ours' },
      token: writer.token,
    });
    expect(patched.status).toBe(200);
  });

  it('stops a revoked token at once', async () => {
    const user = await t.createUserWithToken('leaver');
    expect((await t.request('GET', '/api/me', { token: user.token })).status).toBe(200);
    const [row] = await t.database.db.query<{ id: number }>('SELECT id FROM api_tokens WHERE user_id = $1', [
      user.userId,
    ]);
    await revokeToken(t.database.db, row!.id);
    expect((await t.request('GET', '/api/me', { token: user.token })).status).toBe(401);
  });

  it('stores only hashes of tokens', async () => {
    const rows = await t.database.db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_hash).not.toContain(reader.token);
    }
  });
});
