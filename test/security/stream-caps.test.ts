// One token once opened 17,369 change streams and took every file descriptor of the
// process, so `/health` and every other user timed out. Streams are now capped per user
// (the new one gets 429; see replication/stream-slots.ts for why not "close the oldest") and
// per process (503 with Retry-After), and a closed stream gives its slot back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, jsonOf, startTestApp, type TestApp } from '../../apps/server/src/testing/test-app.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';

describe.each(testDatabaseKinds())('change stream caps on %s', (kind) => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  const open: AbortController[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind, { maxStreamsPerUser: 2, maxStreams: 3 });
    server = await listen(t.app.fetch);
  });
  afterAll(async () => {
    for (const controller of open) controller.abort();
    await server.close();
    await t.close();
  });

  /** Opens a stream; a 200 stays open (until aborted), anything else is read whole. */
  async function openStream(token: string) {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/sync/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    if (response.status === 200) open.push(controller);
    return { response, close: () => controller.abort() };
  }

  it('refuses a user past their cap and the process past its cap, and stays responsive', async () => {
    const alice = await t.createUserWithToken('alice');
    const bob = await t.createUserWithToken('bob');
    const carol = await t.createUserWithToken('carol');

    const first = await openStream(alice.token);
    expect(first.response.status).toBe(200);
    expect((await openStream(alice.token)).response.status).toBe(200);
    const third = (await openStream(alice.token)).response;
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('30');
    const refused = await jsonOf(third);
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.error).toMatch(/2 change streams open, the limit per user/);

    // Another user still gets a stream, up to the process-wide cap.
    expect((await openStream(bob.token)).response.status).toBe(200);
    const full = (await openStream(carol.token)).response;
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('30');
    expect((await jsonOf(full)).code).toBe('SERVICE_UNAVAILABLE');

    // Everything else still answers while the streams are open.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${carol.token}` } });
    expect(me.status).toBe(200);

    // A closed stream gives its slot back (once the server has seen the disconnect).
    first.close();
    let again = 0;
    for (let i = 0; i < 50 && again !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = (await openStream(carol.token)).response.status;
    }
    expect(again).toBe(200);
  });
});
