// Security of /api/sync: peer tokens and their scopes, request signing and replays, the
// target allowlist, and tokenless peers only where the operator allows them.
import { describe, expect, it } from 'vitest';
import { SYNC_HEADERS } from '@wikisync/shared';
import { jsonOf } from '../../testing/test-app.js';
import { testDatabaseKinds } from '../../testing/test-database.js';
import { signRequest } from './request-signing.js';
import { callPeer as call, createPeerTokenOn, runSync, saveTarget } from '../../testing/peer-test-kit.js';
import { usePeers, useSeededRepository } from '../../testing/peer-test-kit.js';

describe.each(testDatabaseKinds())('instance sync security on %s', (kind) => {
  const [a, b] = usePeers(kind, {}, { allowTokenlessFrom: ['127.0.0.0/8'] });
  const repo = useSeededRepository(a, 'secure', 3);
  const other = useSeededRepository(a, 'other', 2);

  it('refuses every endpoint without a token, and user tokens altogether', async () => {
    for (const endpoint of ['/ping', '/repository-list', '/sessions', '/target-list']) {
      const answer = await call(a.base, endpoint);
      expect(answer.status).toBe(401);
      expect(answer.json.error).toMatch(/peer token/);
    }
    expect((await call(a.base, '/repository-upsert', { body: { repository_id: 1, name: 'x' } })).status).toBe(
      401,
    );
    expect((await call(a.base, '', { body: { target_server: b.base, repository_id: repo.id } })).status).toBe(
      401,
    );
    const user = await a.t.createUserWithToken('someone');
    const answer = await call(a.base, '/ping', { token: user.token });
    expect(answer.status).toBe(403);
  });

  it('holds a token to its scopes and repositories', async () => {
    const exportOnly = await createPeerTokenOn(a, ['export'], { repositoryIds: [repo.id] });
    const receiveOnly = await createPeerTokenOn(a, ['receive']);
    const upsert = await call(a.base, '/repository-upsert', {
      token: exportOnly,
      body: { repository_id: 1, name: 'x' },
    });
    expect(upsert.status).toBe(403);
    expect(upsert.json.error).toMatch(/"receive" scope/);
    const start = await call(a.base, '', {
      token: receiveOnly,
      body: { target_server: b.base, repository_id: repo.id },
    });
    expect(start.status).toBe(403);
    expect(start.json.error).toMatch(/"initiate" scope/);
    expect((await call(a.base, '/repository-list', { token: receiveOnly })).status).toBe(403);

    const list = await call(a.base, '/repository-list', { token: exportOnly });
    expect(list.json.data.map((r: { repository_id: number }) => r.repository_id)).toEqual([repo.id]);
    expect(
      (await call(a.base, `/document-list?repository_id=${other.id}`, { token: exportOnly })).status,
    ).toBe(403);
    expect(
      (await call(a.base, '/pull-export', { token: exportOnly, body: { repository_id: other.id } })).status,
    ).toBe(403);
    expect(
      (await call(a.base, '/pull-export', { token: exportOnly, body: { repository_id: repo.id } })).status,
    ).toBe(200);
  });

  it('requires signatures from a token with a signing secret and refuses replays and stale requests', async () => {
    const secret = 'shared-signing-secret-123';
    const token = await createPeerTokenOn(a, ['receive', 'export'], { signingSecret: secret });
    expect((await call(a.base, '/ping', { token })).json.error).toMatch(/must sign/);
    const path = new URL(`${a.base}/ping`).pathname;
    const signed = signRequest(secret, { method: 'GET', path, body: '' });
    expect((await call(a.base, '/ping', { token, headers: signed })).status).toBe(200);
    const replay = await call(a.base, '/ping', { token, headers: signed });
    expect(replay.status).toBe(401);
    expect(replay.json.error).toMatch(/replayed/);
    const stale = signRequest(secret, { method: 'GET', path, body: '' }, Date.now() - 6 * 60_000);
    expect((await call(a.base, '/ping', { token, headers: stale })).json.error).toMatch(/±5 minute/);
    const body = { repository_id: 1 };
    const tampered = signRequest(secret, {
      method: 'POST',
      path: `${path.replace(/ping$/, 'pull-export')}`,
      body: JSON.stringify({ repository_id: 2 }),
    });
    expect((await call(a.base, '/pull-export', { token, body, headers: tampered })).json.error).toMatch(
      /does not match/,
    );
    const wrong = signRequest('another-secret-999', { method: 'GET', path, body: '' });
    expect(
      (
        await call(a.base, '/ping', {
          token,
          headers: { ...wrong, [SYNC_HEADERS.nonce]: wrong[SYNC_HEADERS.nonce]! },
        })
      ).status,
    ).toBe(401);
  });

  it('pushes end to end with a signed target, and keeps its secrets sealed', async () => {
    const secret = 'push-signing-secret-456';
    const token = await createPeerTokenOn(b, ['receive'], { signingSecret: secret });
    await saveTarget(a, b.base, { token, signing_secret: secret });
    const { session } = await runSync(a, '/api/sync', { target_server: b.base, repository_id: repo.id });
    expect(session).toMatchObject({ status: 'completed', error: null, completed_tasks: 3 });
    const targets = (await jsonOf(await a.t.request('GET', '/api/sync/target-list'))).data;
    expect(targets[0]).toMatchObject({ url: b.base, has_token: true, has_signing_secret: true });
    expect(JSON.stringify(targets)).not.toContain(token);
    const stored = await a.t.database.db.query<{ token_enc: string; signing_secret_enc: string }>(
      'SELECT token_enc, signing_secret_enc FROM sync_targets',
    );
    expect(stored[0]!.token_enc).not.toContain(token);
    expect(stored[0]!.signing_secret_enc).not.toContain(secret);
    const tokens = await b.t.database.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM sync_peer_tokens',
    );
    expect(tokens.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(true);
  });

  it('refuses an unsaved target and a target URL that does not end in /api/sync', async () => {
    const unsaved = await a.t.request('POST', '/api/sync', {
      body: { target_server: 'http://127.0.0.1:9/api/sync', repository_id: repo.id },
    });
    expect(unsaved.status).toBe(403);
    expect((await jsonOf(unsaved)).error).toMatch(/not a saved target; save it first/);
    const pull = await a.t.request('POST', '/api/sync/pull', {
      body: { target_server: 'http://127.0.0.1:9/api/sync', repository_id: 1 },
    });
    expect(pull.status).toBe(403);
    const wrongUrl = await a.t.request('POST', '/api/sync/target-save', {
      body: { url: 'http://127.0.0.1:9/api' },
    });
    expect(wrongUrl.status).toBe(400);
    expect((await jsonOf(wrongUrl)).error).toMatch(/url: must end in \/api\/sync/);
    const initiator = await createPeerTokenOn(a, ['initiate']);
    const byPeer = await call(a.base, '/target-save', {
      token: initiator,
      body: { url: 'http://127.0.0.1:9/api/sync' },
    });
    expect(byPeer.status).toBe(403);
    const count = await a.t.database.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync_targets WHERE url LIKE 'http://127.0.0.1:9/%'`,
    );
    expect(count[0]!.n).toBe(0);
  });

  it('accepts tokenless peers only from allowed addresses, and never to initiate', async () => {
    expect((await call(a.base, '/ping')).status).toBe(401); // A allows nobody
    expect((await call(b.base, '/ping')).status).toBe(200); // B allows 127.0.0.0/8
    const upsert = await call(b.base, '/repository-upsert', {
      body: { repository_id: 7, name: 'from-compat' },
    });
    expect(upsert.status).toBe(200);
    const start = await call(b.base, '', { body: { target_server: a.base, repository_id: 1 } });
    expect(start.status).toBe(403);
  });
});
