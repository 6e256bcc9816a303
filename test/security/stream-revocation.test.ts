// A token that is revoked, or expires, while its change stream is open must stop working at
// once: the stream ends (within the hub's one-second token check), no change is announced
// to it afterwards, and reconnecting is refused with 401. REST refusal is covered by
// apps/server/src/auth/access.test.ts; this is the part a long-lived stream could escape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser, grantAccess, revokeToken } from '../../apps/server/src/auth/user-store.js';
import { TOKEN_CHECK_MS } from '../../apps/server/src/replication/change-hub.js';
import { listen, startTestApp, type TestApp } from '../../apps/server/src/testing/test-app.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { readSseMessages } from '../../apps/server/src/testing/sse-events.js';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';

/** Reads an SSE response until it ends; `ended` resolves when the server closes it. */
function readStream(response: Response) {
  const events: string[] = [];
  const ended = readSseMessages(response, ({ event }) => {
    if (event) events.push(event);
  });
  return { events, ended };
}

/** Resolves to how long `promise` took, or rejects after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<number> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
  return Date.now() - started;
}

describe.each(testDatabaseKinds())('open change streams and token lifetime on %s', (kind) => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  let repositoryUid: string;
  let userId: number;

  beforeAll(async () => {
    t = await startTestApp(kind);
    server = await listen(t.app.fetch);
    const repository = repositoryDoc({ name: 'streamed' });
    repositoryUid = repository.uid;
    await t.request('POST', '/api/v1/sync/push', {
      body: {
        collection: 'repositories',
        rows: [{ assumed_master_state: null, new_document_state: repository }],
      },
    });
    const [row] = await t.database.db.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [
      repository.uid,
    ]);
    userId = (await createUser(t.database.db, 'streamer')).id;
    await grantAccess(t.database.db, userId, Number(row!.id), 'read');
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  const open = (token: string) =>
    fetch(`${server.url}/api/v1/sync/stream`, { headers: { authorization: `Bearer ${token}` } });
  const writeTask = () =>
    t.request('POST', '/api/v1/sync/push', {
      body: {
        collection: 'tasks',
        rows: [{ assumed_master_state: null, new_document_state: taskDoc(repositoryUid) }],
      },
    });

  it('ends the stream of a revoked token and announces nothing to it afterwards', async () => {
    const { id, token } = await createToken(t.database.db, userId);
    const response = await open(token);
    expect(response.status).toBe(200);
    const stream = readStream(response);
    // The response's headers come before LISTEN is active; `ready` says it is. A write made
    // before `ready` may be missed by the stream (clients pull on `ready` to cover that gap).
    for (let i = 0; i < 200 && !stream.events.includes('ready'); i++)
      await new Promise((r) => setTimeout(r, 25));
    // The stream works before the revocation: a write is announced.
    await writeTask();
    for (let i = 0; i < 100 && !stream.events.includes('change'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(stream.events).toEqual(['ready', 'change']);

    await revokeToken(t.database.db, id);
    await writeTask();
    await within(stream.ended, TOKEN_CHECK_MS * 3, 'a revoked token still had an open stream');
    expect(stream.events).toEqual(['ready', 'change']);
    expect((await open(token)).status).toBe(401);
  });

  it('ends the stream of a token when it expires, with no write to wake it', async () => {
    const { token } = await createToken(t.database.db, userId, { expiresAt: new Date(Date.now() + 1500) });
    const response = await open(token);
    expect(response.status).toBe(200);
    const stream = readStream(response);
    const tookMs = await within(stream.ended, 1500 + TOKEN_CHECK_MS * 3, 'an expired token kept its stream');
    expect(tookMs).toBeGreaterThan(500);
    expect((await open(token)).status).toBe(401);
  });

  it('keeps the stream of a valid token open across token checks', async () => {
    const { token } = await createToken(t.database.db, userId);
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/sync/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const stream = readStream(response);
    let ended = false;
    void stream.ended.then(
      () => (ended = true),
      () => {},
    );
    await new Promise((resolve) => setTimeout(resolve, TOKEN_CHECK_MS * 2.5));
    expect(ended).toBe(false);
    controller.abort();
  });
});
