import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';
import { jsonOf, listen, startTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';
import { openStream } from '../testing/open-stream.js';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { ensureBootstrapAdmin, grantAccess } from '../auth/user-store.js';
import { bearerAuth } from '../http/auth-middleware.js';
import { changeHubFor } from './change-hub.js';
import { syncRoutes } from './sync-routes.js';

async function eventually(check: () => boolean, ms = 5000) {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  return check();
}

describe.each(testDatabaseKinds())('change stream on %s', (kind) => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    server = await listen(t.app.fetch);
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  const push = (collection: string, rows: unknown[], token?: string) =>
    t.request('POST', '/api/v1/sync/push', { body: { collection, rows }, token });

  it('tells each user only about repositories they can read, with collection and checkpoint', async () => {
    const user = await t.createUserWithToken('stream-user');
    const shared = repositoryDoc({ name: 'shared' });
    const secret = repositoryDoc({ name: 'secret' });
    await push(
      'repositories',
      [shared, secret].map((doc) => ({ assumed_master_state: null, new_document_state: doc })),
    );
    const { id } = (
      await t.database.db.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [shared.uid])
    )[0]!;
    await grantAccess(t.database.db, user.userId, id, 'read');

    const admin = await openStream(`${server.url}/api/v1/sync/stream`, TEST_ADMIN_TOKEN);
    const mine = await openStream(`${server.url}/api/v1/sync/stream`, user.token);
    expect(changeHubFor(t.database.db).subscriberCount).toBe(2);

    await push('tasks', [{ assumed_master_state: null, new_document_state: taskDoc(secret.uid) }]);
    await push('tasks', [{ assumed_master_state: null, new_document_state: taskDoc(shared.uid) }]);
    const latest = (await jsonOf(await t.request('GET', '/api/v1/sync/status'))).data.latest_version.tasks;

    await admin.waitFor(
      () => admin.changes().some((c) => c.checkpoint.server_version === latest),
      'admin change',
    );
    await mine.waitFor(() => mine.changes().length > 0, 'user change');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mine.changes()).toEqual([{ collection: 'tasks', checkpoint: { server_version: latest } }]);
    expect(admin.changes().every((c) => c.collection === 'tasks')).toBe(true);

    await admin.close();
    await mine.close();
  });

  it('stops listening when the last client disconnects, leaving no subscriber behind', async () => {
    const hub = changeHubFor(t.database.db);
    const streams = await Promise.all(
      [1, 2, 3].map(() => openStream(`${server.url}/api/v1/sync/stream`, TEST_ADMIN_TOKEN)),
    );
    expect(hub.subscriberCount).toBe(3);
    expect(hub.listening).toBe(true);
    for (const stream of streams) await stream.close();
    expect(await eventually(() => hub.subscriberCount === 0 && !hub.listening)).toBe(true);
    // A write after everyone left goes nowhere and breaks nothing; a new client hears the next one.
    await push('repositories', [{ assumed_master_state: null, new_document_state: repositoryDoc() }]);
    const again = await openStream(`${server.url}/api/v1/sync/stream`, TEST_ADMIN_TOKEN);
    await push('repositories', [{ assumed_master_state: null, new_document_state: repositoryDoc() }]);
    await again.waitFor(() => again.changes().length > 0, 'change after reconnect');
    await again.close();
    expect(await eventually(() => hub.subscriberCount === 0 && !hub.listening)).toBe(true);
  });

  it('sends heartbeat comments on an idle stream', async () => {
    const app = new Hono<AppEnv>();
    app.use(
      '*',
      bearerAuth({
        db: t.database.db,
        admin: { token: TEST_ADMIN_TOKEN, principal: await ensureBootstrapAdmin(t.database.db) },
      }),
    );
    app.route('/', syncRoutes({ db: t.database.db, config: t.config }, { heartbeatMs: 100 }));
    const quick = await listen(app.fetch);
    const stream = await openStream(`${quick.url}/stream`, TEST_ADMIN_TOKEN);
    await stream.waitFor(() => stream.comments >= 3, 'three heartbeats', 3000);
    await stream.close();
    await quick.close();
  });

  it('refuses a stream without a token', async () => {
    const response = await fetch(`${server.url}/api/v1/sync/stream`);
    expect(response.status).toBe(401);
  });
});
