// An edit made while the server is unreachable stays local, is counted as pending, and is
// pushed once the server is back; the change stream reconnects on its own.
import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { contents, local, startProxy, useSyncServer, waitLive, waitUntil } from '../support/sync-client.js';

describe.each(testDatabaseKinds())('offline edits on %s', (kind) => {
  const server = useSyncServer(kind);

  it('pushes an edit made while the server was down once it is back', async () => {
    const proxy = await startProxy(Number(new URL(server.url).port));
    const a = await server.open({ url: proxy.url });
    const b = await server.open();
    const repo = repositoryDoc({ name: 'before' });
    await a.replica.collections.repositories.insert(local(repo));
    await a.sync.awaitInSync();
    await waitLive(a, 'a is live');

    await proxy.down();
    await waitUntil(
      async () => (await firstValueFrom(a.sync.streamConnected$)) === false,
      'a notices the outage',
    );
    const repoOnA = await a.replica.collections.repositories.findOne(repo.uid).exec();
    await repoOnA!.incrementalPatch({ name: 'edited offline', updated_at: new Date().toISOString() });
    const task = taskDoc(repo.uid, { title: 'written offline' });
    await a.replica.collections.tasks.insert(local(task));

    await waitUntil(
      async () => (await firstValueFrom(a.sync.status$)).repositories.error !== null,
      'a reports the failure',
    );
    expect(await firstValueFrom(a.sync.pendingCount$)).toBe(2);
    // The failure carries its code, so the indicator can say it in the reader's language.
    expect((await firstValueFrom(a.sync.status$)).repositories.errorCode).toBe('NETWORK');
    const onServer = await server.app.database.db.query('SELECT name FROM repositories WHERE uid = $1', [
      repo.uid,
    ]);
    expect(onServer).toEqual([{ name: 'before' }]);

    await proxy.up();
    await waitUntil(
      async () => (await contents(b, 'tasks')).length === 1,
      'b receives the offline task',
      20_000,
    );
    await waitUntil(
      async () => (await contents(b, 'repositories'))[0]?.name === 'edited offline',
      'b receives the offline edit',
    );
    await waitUntil(
      async () => (await firstValueFrom(a.sync.pendingCount$)) === 0,
      'nothing is pending on a',
    );
    const status = await firstValueFrom(a.sync.status$);
    expect(status.repositories.error).toBeNull();
    expect(status.repositories.errorCode).toBeNull();
    expect(status.tasks.lastSyncedAt).not.toBeNull();
    await proxy.down();
  });

  it('queues edits while paused and pushes them on resume', async () => {
    const a = await server.open();
    await a.sync.awaitInSync();
    await a.sync.pause();
    const repo = repositoryDoc({ name: 'paused' });
    await a.replica.collections.repositories.insert(local(repo));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      await server.app.database.db.query('SELECT 1 FROM repositories WHERE uid = $1', [repo.uid]),
    ).toEqual([]);
    expect(await firstValueFrom(a.sync.pendingCount$)).toBe(1);
    await a.sync.resume();
    await waitUntil(
      async () =>
        (await server.app.database.db.query('SELECT 1 FROM repositories WHERE uid = $1', [repo.uid]))
          .length === 1,
      'the server has the paused edit',
    );
    // Stopping while paused, with a push waiting at the gate, must not hang.
    await a.sync.pause();
    await a.replica.collections.repositories.insert(local(repositoryDoc({ name: 'left behind' })));
    const started = Date.now();
    await a.close();
    // A hang check, not a speed check: generous so a loaded machine never trips it.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
