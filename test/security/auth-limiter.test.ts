// The failed-authentication limiter slows token guessing without locking anyone out: after
// the limit, further bad tokens from that address get 429, while a valid token from the same
// address (all users behind one reverse proxy) keeps working on REST, replication and
// instance sync. With TRUST_PROXY the address is the right-most X-Forwarded-For entry.
import { afterEach, describe, expect, it } from 'vitest';
import { createPeerToken } from '../../apps/server/src/instance-sync/peer-auth/peer-token-store.js';
import { secretBoxFor } from '../../apps/server/src/instance-sync/index.js';
import { jsonOf, startTestApp, type TestApp } from '../../apps/server/src/testing/test-app.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';

const LIMIT = 20;

describe.each(testDatabaseKinds())('failed-authentication limiter on %s', (kind) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const send = (app: TestApp, path: string, token: string | null, forwardedFor?: string) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
    return app.app.request(path, { headers });
  };
  const guess = async (app: TestApp, path: string, times: number, forwardedFor?: string) => {
    const statuses: number[] = [];
    for (let i = 0; i < times; i++) statuses.push((await send(app, path, `guess-${i}`, forwardedFor)).status);
    return statuses;
  };

  it('refuses further guesses but never a valid token from the same address', async () => {
    t = await startTestApp(kind);
    const { token } = await t.createUserWithToken('behind-the-proxy');
    expect(await guess(t, '/api/me', LIMIT)).toEqual(Array(LIMIT).fill(401));
    const refused = await send(t, '/api/me', 'one-more-guess');
    expect(refused.status).toBe(429);
    expect((await jsonOf(refused)).error).toMatch(/Too many failed sign-ins/);

    expect((await send(t, '/api/me', token)).status).toBe(200);
    expect((await send(t, '/api/v1/sync/status', token)).status).toBe(200);
    expect((await send(t, '/api/v1/sync/changes?collection=tasks', token)).status).toBe(200);
    // Still refused afterwards: a valid request does not reset the count for the guesser.
    expect((await send(t, '/api/me', 'yet-another-guess')).status).toBe(429);
  });

  it('limits guessing on /api/sync too, sharing the count, but lets valid callers through', async () => {
    t = await startTestApp(kind);
    const statuses = await guess(t, '/api/sync/ping', LIMIT + 1);
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(statuses[LIMIT]).toBe(429);
    expect((await send(t, '/api/me', 'rest-guess')).status).toBe(429);

    const { token: peerToken } = await createPeerToken(t.database.db, secretBoxFor(t.config), {
      name: 'partner',
      scopes: ['receive'],
      repositoryIds: null,
      signingSecret: null,
    });
    expect((await send(t, '/api/sync/ping', peerToken)).status).toBe(200);
    expect((await send(t, '/api/sync/ping', t.config.adminToken!)).status).toBe(200);
  });

  it('with TRUST_PROXY keys on the proxy-appended address, which a client cannot forge', async () => {
    t = await startTestApp(kind, { trustProxy: true });
    await guess(t, '/api/me', LIMIT, '198.51.100.7');
    expect((await send(t, '/api/me', 'guess', '198.51.100.7')).status).toBe(429);
    // A forged left-hand entry changes nothing: the proxy appends the real address last.
    expect((await send(t, '/api/me', 'guess', '203.0.113.9, 198.51.100.7')).status).toBe(429);
    // Another client behind the same proxy is not affected.
    expect((await send(t, '/api/me', 'typo', '198.51.100.8')).status).toBe(401);
  });

  it('without TRUST_PROXY ignores X-Forwarded-For, which anyone can send', async () => {
    t = await startTestApp(kind);
    await guess(t, '/api/me', LIMIT, '198.51.100.7');
    expect((await send(t, '/api/me', 'guess', '198.51.100.8')).status).toBe(429);
  });
});
