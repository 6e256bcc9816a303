import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';

describe.each(testDatabaseKinds())('password sign-in and the admin API on %s', (kind) => {
  const t = useTestApp(kind, { adminPassword: 'correct horse battery' });
  const signIn = (name: string, password: string) =>
    t.request('POST', '/api/auth/sign-in', { body: { name, password }, token: null });

  let repositoryId: number;
  beforeAll(async () => {
    const response = await t.request('POST', '/api/repositories', { body: { name: 'handbook' } });
    repositoryId = (await jsonOf(response)).data.id;
    await t.request('POST', '/api/repositories', { body: { name: 'secret plans' } });
  });

  it('signs the admin in with ADMIN_PASSWORD; the session works as a token until sign-out', async () => {
    const response = await signIn('admin', 'correct horse battery');
    expect(response.status).toBe(200);
    const session = (await jsonOf(response)).data;
    expect(session.user).toMatchObject({ name: 'admin', is_admin: true });
    expect(Date.parse(session.expires_at)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect((await t.request('GET', '/api/me', { token: session.token })).status).toBe(200);

    const out = await t.request('POST', '/api/auth/sign-out', { token: session.token });
    expect((await jsonOf(out)).data).toEqual({ signed_out: true, session_revoked: true });
    expect((await t.request('GET', '/api/me', { token: session.token })).status).toBe(401);
  });

  it('answers a wrong password and an unknown name alike, and stores no password in clear', async () => {
    const wrong = await signIn('admin', 'wrong password');
    const unknown = await signIn('nobody', 'wrong password');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect((await jsonOf(wrong)).error).toBe((await jsonOf(unknown)).error);
    const [row] = await t.database.db.query<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE name = 'admin'`,
    );
    expect(row!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row!.password_hash).not.toContain('correct horse');
  });

  it('lets an admin create a user with a password, grant one repository read-only, and disable them', async () => {
    const created = await t.request('POST', '/api/admin/users', {
      body: { name: 'lin', password: 'lin-password-1' },
    });
    expect(created.status).toBe(201);
    const lin = (await jsonOf(created)).data;
    expect(lin).toMatchObject({ name: 'lin', is_admin: false, disabled: false, has_password: true });
    const grant = await t.request('PUT', '/api/admin/grants', {
      body: { user_id: lin.id, repository_id: repositoryId, access: 'read' },
    });
    expect(grant.status).toBe(200);
    expect((await jsonOf(await t.request('GET', '/api/admin/grants'))).data).toContainEqual({
      user_id: lin.id,
      user_name: 'lin',
      repository_id: repositoryId,
      repository_name: 'handbook',
      access: 'read',
    });

    const session = (await jsonOf(await signIn('lin', 'lin-password-1'))).data;
    const list = (await jsonOf(await t.request('GET', '/api/repositories', { token: session.token }))).data;
    expect(list.items.map((each: { name: string }) => each.name)).toEqual(['handbook']);
    const write = await t.request('PATCH', `/api/repositories/${repositoryId}`, {
      body: { name: 'renamed' },
      token: session.token,
    });
    expect(write.status).toBe(403);
    // Not an admin: the admin API is closed to them.
    expect((await t.request('GET', '/api/admin/users', { token: session.token })).status).toBe(403);

    expect(
      (await t.request('PATCH', `/api/admin/users/${lin.id}`, { body: { disabled: true } })).status,
    ).toBe(200);
    expect((await t.request('GET', '/api/me', { token: session.token })).status).toBe(401);
    const refused = await signIn('lin', 'lin-password-1');
    expect(refused.status).toBe(403);
    expect((await jsonOf(refused)).error).toMatch(/disabled/);
  });

  it('creates an API token shown once, lists it without the secret, and revokes it', async () => {
    const users = (await jsonOf(await t.request('GET', '/api/admin/users'))).data as {
      id: number;
      name: string;
    }[];
    const admin = users.find((user) => user.name === 'admin')!;
    const created = (
      await jsonOf(
        await t.request('POST', '/api/admin/tokens', { body: { user_id: admin.id, name: 'ci', days: 30 } }),
      )
    ).data;
    expect(created.token).toMatch(/^wst_/);
    const listed = (await jsonOf(await t.request('GET', '/api/admin/tokens'))).data as { id: number }[];
    expect(listed.find((token) => token.id === created.id)).toMatchObject({
      name: 'ci',
      kind: 'api',
      revoked_at: null,
    });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect((await t.request('GET', '/api/me', { token: created.token })).status).toBe(200);
    expect((await t.request('DELETE', `/api/admin/tokens/${created.id}`)).status).toBe(200);
    expect((await t.request('GET', '/api/me', { token: created.token })).status).toBe(401);
  });

  it('creates a peer token for instance sync, scoped to one repository, and revokes it', async () => {
    const created = await t.request('POST', '/api/admin/peer-tokens', {
      body: { name: 'mirror', scopes: ['receive'], repository_ids: [repositoryId] },
    });
    expect(created.status).toBe(201);
    const { token, peer_token: peerToken } = (await jsonOf(created)).data;
    expect(peerToken).toMatchObject({ name: 'mirror', scopes: ['receive'], repository_ids: [repositoryId] });
    // The peer may ping with it; revoked, it may not.
    const ping = () => t.app.request('/api/sync/ping', { headers: { authorization: `Bearer ${token}` } });
    expect((await ping()).status).toBe(200);
    expect((await t.request('DELETE', `/api/admin/peer-tokens/${peerToken.id}`)).status).toBe(200);
    expect((await ping()).status).toBe(401);
    const bad = await t.request('POST', '/api/admin/peer-tokens', {
      body: { name: 'x', scopes: ['everything'] },
    });
    expect(bad.status).toBe(400);
  });

  it('says what to fix in a bad request, and 404 for a user that does not exist', async () => {
    const short = await t.request('POST', '/api/admin/users', { body: { name: 'x y', password: 'short' } });
    expect(short.status).toBe(400);
    expect((await jsonOf(short)).error).toMatch(
      /name: must not contain spaces.*password: must be at least 8/,
    );
    const grant = await t.request('PUT', '/api/admin/grants', {
      body: { user_id: 999_999, repository_id: repositoryId, access: 'write' },
    });
    expect(grant.status).toBe(404);
  });
});

describe.each(testDatabaseKinds())('failed password sign-ins on %s', (kind) => {
  const t = useTestApp(kind, { adminPassword: 'the real password' });
  const signIn = (password: string) =>
    t.request('POST', '/api/auth/sign-in', { body: { name: 'admin', password }, token: null });

  it('locks the account after ten failures, even for the right password, and names what to wait for', async () => {
    for (let i = 0; i < 10; i++) expect((await signIn(`guess ${i}`)).status).toBe(401);
    const limited = await signIn('the real password');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await jsonOf(limited)).error).toMatch(/Too many failed sign-ins for this account; wait \d+ s/);
  });
});
