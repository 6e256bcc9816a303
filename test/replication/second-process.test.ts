// Two server processes on one database: a write through one reaches the live clients of
// the other, because change notifications travel through Postgres (LISTEN/NOTIFY), not
// process memory.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { TEST_ADMIN_TOKEN } from '../../apps/server/src/testing/test-app.js';
import {
  freePort,
  serverEnv,
  spawnServer,
  type ServerChild,
} from '../../apps/server/src/testing/server-process.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { contents, local, useSyncServer, waitLive, waitUntil } from '../support/sync-client.js';
import { useServerProcesses } from '../support/server-process.js';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `tsx apps/server/src/main.ts` on the test database; resolves once it answers. */
async function startSecondProcess(databaseUrl: string): Promise<{ url: string; server: ServerChild }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await spawnServer({
    args: [
      fileURLToPath(new URL('../../apps/server/node_modules/tsx/dist/cli.mjs', import.meta.url)),
      'apps/server/src/main.ts',
    ],
    cwd: ROOT,
    env: serverEnv(port, TEST_ADMIN_TOKEN, { DATABASE_URL: databaseUrl, WEB_DIST_DIR: '' }),
    url,
    label: 'second server',
  });
  return { url, server };
}

describe.each(testDatabaseKinds())('a second server process on %s', (kind) => {
  // The embedded database belongs to the one process that opened it (PGlite is a single
  // in-process connection), so a second process cannot share it. Under PGlite the same
  // path (trigger → NOTIFY → LISTEN → SSE) is covered in-process by converge.test.ts.
  // Skipping the block's one test also skips its hooks, so PGlite starts no server here.
  const shareable = kind === 'postgres';
  const server = useSyncServer(kind, { per: 'block' });
  let second: { url: string; server: ServerChild } | undefined;
  beforeAll(async () => {
    second = await startSecondProcess(server.app.database.url!);
  });
  afterAll(async () => {
    await second?.server.signal('SIGTERM');
  });

  it.runIf(shareable)('delivers stream events to the clients of the other process', async () => {
    const viaFirst = await server.open();
    const viaSecond = await server.open({ url: second!.url });
    await Promise.all([viaFirst.sync.awaitInSync(), viaSecond.sync.awaitInSync()]);
    await waitLive(viaSecond, 'second client is live');
    await waitLive(viaFirst, 'first client is live');

    // Only the stream can tell viaSecond to pull again: live replication does not poll.
    const repo = repositoryDoc({ name: 'through process one' });
    const task = taskDoc(repo.uid);
    await viaFirst.replica.collections.repositories.insert(local(repo));
    await viaFirst.replica.collections.tasks.insert(local(task));
    await waitUntil(
      async () => (await contents(viaSecond, 'tasks')).length === 1,
      "process two's client hears it",
    );

    const doc = documentDoc(repo.uid, task.uid, { title: 'through process two' });
    await viaSecond.replica.collections.documents.insert(local(doc));
    await waitUntil(
      async () => (await contents(viaFirst, 'documents')).length === 1,
      "process one's client hears back",
    );
    expect((await contents(viaFirst, 'documents'))[0]).toMatchObject({
      uid: doc.uid,
      title: 'through process two',
    });
  });
});

describe('a second process on the embedded database', () => {
  // The CLI used to open the folder a running server had open: it printed a token "shown
  // only once" that the server then refused, and risked the folder itself.
  const [server] = useServerProcesses({ kind: 'pglite' });

  it('is refused with a message naming the holder, and gets in once the holder is gone', async () => {
    await expect(server.cli('user', 'create', 'bob')).rejects.toThrow(
      new RegExp(
        `in use by the server on port ${server.port} \\(process ${server.pid()}.*stop that process first`,
        's',
      ),
    );
    // Killed, the server leaves its lock behind; the next process sees that its holder is gone.
    await server.kill();
    expect(await server.cli('user', 'create', 'bob')).toContain('bob');
    await server.start();
    const answer = await fetch(`${server.url}/api/repositories`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(answer.status).toBe(200);
    // And the server, back, holds it again.
    await expect(server.cli('token', 'create', 'bob')).rejects.toThrow(/in use by the server/);
  });
});
