// Secrets never leak: two real server processes run with an ADMIN_TOKEN, a SYNC_SECRET_KEY,
// a peer token with a signing secret, a saved target holding both, and a user token. The
// test provokes failures around each of them (wrong and unsigned calls, a sync to a dead
// target, a revoked token, malformed bodies that carry a secret) and then requires that no
// secret appears in anything either process printed (JSON log lines: one access line per
// request, with a request id, and the errors), not even one sent in a query string, and that
// the databases hold only hashes of tokens and ciphertext of the target's secrets.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../apps/server/src/db/open-database.js';
import { api } from '../support/api.js';
import { freePort } from '../../apps/server/src/testing/server-process.js';
import { useServerProcesses } from '../support/server-process.js';
import { waitSession } from '../faults/fault-kit.js';

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

describe('secrets stay out of logs and out of the database in clear', () => {
  const secrets = {
    adminA: secret('admin-a'),
    adminB: secret('admin-b'),
    secretKey: secret('secret-key'),
    signing: secret('signing'),
    wrongGuess: `wst_${randomBytes(16).toString('hex')}`,
    peerToken: '',
    userToken: '',
  };
  const env = {
    SYNC_SECRET_KEY: secrets.secretKey,
    SYNC_RETRY_BASE_MS: '10',
    SYNC_REQUEST_TIMEOUT_MS: '2000',
  };
  const [a, b] = useServerProcesses({ env, adminToken: secrets.adminA }, { env, adminToken: secrets.adminB });

  beforeAll(async () => {
    // Tokens are made by the CLI, as an operator makes them; the embedded database has one
    // owner at a time, so B is stopped meanwhile.
    await b.stop();
    secrets.peerToken = (
      await b.cli(
        'peer',
        'token',
        'create',
        'logs-peer',
        '--scopes',
        'receive,export',
        '--signing-secret',
        secrets.signing,
      )
    ).trim();
    await b.cli('user', 'create', 'reader');
    secrets.userToken = (await b.cli('token', 'create', 'reader')).trim();
    await b.start();
  });

  it('prints none of them while working and failing, and stores only hashes and ciphertext', async () => {
    expect(secrets.peerToken).toMatch(/\S{20,}/);
    expect(secrets.userToken).toMatch(/^wst_/);
    const repository = await api<{ id: number }>(a.url, secrets.adminA, 'POST', '/api/repositories', {
      name: 'logged',
      url: 'https://example.com/logged',
    });
    await api(a.url, secrets.adminA, 'POST', '/api/tasks', { repository_id: repository.id, title: 'one' });
    /** Saves `target` with the signing peer token, pushes the repository to it, and waits for the end. */
    const pushTo = async (target: string) => {
      const save = { url: target, token: secrets.peerToken, signing_secret: secrets.signing };
      await api(a.url, secrets.adminA, 'POST', '/api/sync/target-save', save);
      const start = { target_server: target, repository_id: repository.id };
      const started = await api<{ sync_id: string }>(a.url, secrets.adminA, 'POST', '/api/sync', start);
      return (await waitSession(a.url, secrets.adminA, started.sync_id)).status;
    };
    expect(await pushTo(`${b.url}/api/sync`)).toBe('completed');
    // A saved target nobody listens on: the sync fails, and its error is logged.
    expect(await pushTo(`http://127.0.0.1:${await freePort()}/api/sync`)).toBe('failed');

    const statuses: number[] = [];
    const call = async (url: string, init: RequestInit) => statuses.push((await fetch(url, init)).status);
    // Unsigned use of a signing peer token, a guessed token, a user token on the peer API.
    await call(`${b.url}/api/sync/ping`, { headers: { authorization: `Bearer ${secrets.peerToken}` } });
    await call(`${b.url}/api/sync/ping`, { headers: { authorization: `Bearer ${secrets.wrongGuess}` } });
    await call(`${b.url}/api/sync/ping`, { headers: { authorization: `Bearer ${secrets.userToken}` } });
    await call(`${b.url}/api/repositories`, { headers: { authorization: `Bearer ${secrets.wrongGuess}` } });
    // Tokens in a query string, as a careless client or a pasted link sends them.
    await call(`${b.url}/api/repositories?token=${secrets.userToken}&access_token=${secrets.adminB}`, {
      headers: { authorization: `Bearer ${secrets.adminB}` },
    });
    // Malformed and invalid bodies that carry secrets, which an error message could echo.
    for (const body of [
      `{"name": "${secrets.userToken}"`,
      JSON.stringify({ name: secrets.signing, url: 42 }),
    ]) {
      await call(`${b.url}/api/repositories`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secrets.adminB}`, 'content-type': 'application/json' },
        body,
      });
    }
    // A revoked token: revoked by the CLI while B is stopped, refused after the restart.
    await b.stop();
    // The reader's token is B's only api_tokens row (the bootstrap admin has none).
    expect(await b.cli('token', 'revoke', '1')).toContain('token revoked');
    await b.start();
    await call(`${b.url}/api/repositories`, { headers: { authorization: `Bearer ${secrets.userToken}` } });
    expect(statuses).toEqual([401, 401, 403, 401, 400, 400, 400, 401]);

    // A line reaches us through the process's stdout pipe a moment after its answer.
    const lastLine = `"path":"/api/repositories","status":401`;
    for (let i = 0; i < 50 && b.output().split(lastLine).length < 3; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const logs = a.output() + b.output();
    // The capture works: both processes' startup and every request of the test were logged,
    // as JSON lines (stdout is not a terminal) with a request id.
    const lines = logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // A started once, B at each of its three starts.
    expect(lines.filter((line) => String(line.msg).startsWith('listening on'))).toHaveLength(4);
    const access = lines.filter((line) => line.msg === 'request');
    expect(
      access.every((line) => typeof line.req_id === 'string' && typeof line.duration_ms === 'number'),
    ).toBe(true);
    const repositoryCalls = access
      .filter((line) => line.path === '/api/repositories')
      .map((line) => line.status);
    // A's create, then B's: a bad token, a token in the query, two bad bodies, a revoked token.
    expect(repositoryCalls).toEqual([201, 401, 400, 400, 400, 401]);
    expect(
      access.some((line) => line.path === '/api/sync/batch-upsert' || line.path === '/api/sync/ping'),
    ).toBe(true);
    for (const [name, value] of Object.entries(secrets)) {
      expect(logs.includes(value), `${name} appears in the server logs`).toBe(false);
    }

    await Promise.all([a.stop(), b.stop()]);
    for (const server of [a, b]) {
      const db = await openDatabase({
        databaseUrl: server.databaseUrl ?? undefined,
        dataDir: server.dataDir ?? '',
        databasePoolSize: 2,
      });
      try {
        const tables = await db.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
        );
        for (const { table_name: table } of tables) {
          const rows = await db.query<{ t: string }>(`SELECT t::text AS t FROM "${table}" t`);
          const text = rows.map((row) => row.t).join('\n');
          for (const [name, value] of Object.entries(secrets)) {
            expect(text.includes(value), `${name} stored in clear in ${table}`).toBe(false);
          }
        }
        const hashes = [
          ...(await db.query<{ h: string }>('SELECT token_hash AS h FROM api_tokens')),
          ...(await db.query<{ h: string }>('SELECT token_hash AS h FROM sync_peer_tokens')),
        ];
        expect(hashes.every((row) => /^[0-9a-f]{64}$/.test(row.h))).toBe(true);
        if (server === a) {
          const targets = await db.query<{ token_enc: string | null; signing_secret_enc: string | null }>(
            'SELECT token_enc, signing_secret_enc FROM sync_targets',
          );
          expect(targets).toHaveLength(2);
          expect(targets.every((row) => row.token_enc && row.signing_secret_enc)).toBe(true);
        } else {
          expect(hashes.length).toBe(2);
        }
      } finally {
        await db.close();
      }
    }
  });
});
