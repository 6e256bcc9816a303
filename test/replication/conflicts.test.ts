// Concurrent edits of one row: the client's conflict handler gets base, local and server,
// merges what merges, records the rest in sync_conflicts, and the user resolves later.
import { beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { jsonOf } from '../../apps/server/src/testing/test-app.js';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { ConflictMovedError } from '../../apps/web/src/sync/errors.js';
import { grantAccess } from '../../apps/server/src/auth/user-store.js';
import { contents, local, useSyncServer, waitUntil, type Client } from '../support/sync-client.js';

describe.each(testDatabaseKinds())('conflicting edits on %s', (kind) => {
  const server = useSyncServer(kind, { per: 'block' });
  let a: Client;
  let b: Client;
  let repo: ReturnType<typeof repositoryDoc>;
  let task: ReturnType<typeof taskDoc>;

  beforeEach(async () => {
    // Each test gets its own repository and clients; a fresh client pulls only what exists.
    repo = repositoryDoc({ name: 'conflicts' });
    task = taskDoc(repo.uid, { title: 'original', outline: 'original outline' });
    a = await server.open();
    b = await server.open();
    await a.replica.collections.repositories.insert(local(repo));
    await a.replica.collections.tasks.insert(local(task));
    await waitUntil(
      async () => (await contents(b, 'tasks')).some((doc) => doc.uid === task.uid),
      'b has the task',
    );
    await b.sync.pause();
  });

  const edit = async (client: Client, patch: Record<string, unknown>) => {
    const doc = await client.replica.collections.tasks.findOne(task.uid).exec();
    await doc!.incrementalPatch(patch);
  };
  const serverTask = async () => {
    const docs = (await jsonOf(await server.app.request('GET', '/api/v1/sync/changes?collection=tasks'))).data
      .documents;
    return docs.find((doc: { uid: string }) => doc.uid === task.uid);
  };
  /** Waits until `client` has recorded one conflict, and returns it. */
  const recordedConflict = async (client: Client, what: string) => {
    await waitUntil(async () => (await firstValueFrom(client.sync.openConflicts$)).length === 1, what);
    const [conflict] = await firstValueFrom(client.sync.openConflicts$);
    return conflict!;
  };

  it('hands base, local and server to the handler, keeps the merge and records the clash', async () => {
    await edit(a, { title: 'title from a', updated_at: '2030-01-01T00:00:00.000Z' });
    await a.sync.awaitInSync();
    await edit(b, {
      title: 'title from b',
      outline: 'outline from b',
      updated_at: '2030-01-02T00:00:00.000Z',
    });
    await b.sync.resume();

    const conflict = await recordedConflict(b, 'b records the conflict');
    expect(conflict).toMatchObject({
      collection_name: 'tasks',
      uid: task.uid,
      base: { title: 'original', outline: 'original outline' },
      local: { title: 'title from b', outline: 'outline from b' },
      server: { title: 'title from a', outline: 'original outline' },
      kept: { title: 'title from a', outline: 'outline from b' },
    });
    // The merge (server's title, b's outline) goes to the server and on to a.
    await waitUntil(
      async () => (await serverTask())?.outline === 'outline from b',
      'the merge reaches the server',
    );
    expect(await serverTask()).toMatchObject({
      title: 'title from a',
      updated_at: '2030-01-02T00:00:00.000Z',
    });
    await waitUntil(
      async () =>
        (await contents(a, 'tasks')).find((doc) => doc.uid === task.uid)?.outline === 'outline from b',
      'a receives the merge',
    );

    // Later, the user picks their own version: the server takes it and logs the decision.
    await b.sync.awaitInSync();
    await b.sync.resolveConflict(conflict.id, 'local');
    expect(await serverTask()).toMatchObject({ title: 'title from b', outline: 'outline from b' });
    await waitUntil(
      async () => (await contents(a, 'tasks')).find((doc) => doc.uid === task.uid)?.title === 'title from b',
      'a receives the resolution',
    );
    expect(await firstValueFrom(b.sync.openConflicts$)).toEqual([]);
    const log = (await jsonOf(await server.app.request('GET', `/api/v1/sync/conflicts?uid=${task.uid}`))).data
      .items;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      resolution: 'local',
      local: { title: 'title from b' },
      result: { title: 'title from b' },
    });
  });

  it('merges edits of different fields without asking anybody', async () => {
    await edit(a, { title: 'new title' });
    await a.sync.awaitInSync();
    await edit(b, { outline: 'new outline' });
    await b.sync.resume();
    await waitUntil(async () => (await serverTask())?.outline === 'new outline', 'both edits on the server');
    expect(await serverTask()).toMatchObject({ title: 'new title', outline: 'new outline' });
    expect(await firstValueFrom(b.sync.openConflicts$)).toEqual([]);
  });

  it('refuses a resolution against a server row that moved on, and shows the newer state', async () => {
    await edit(a, { title: 'a1' });
    await a.sync.awaitInSync();
    await edit(b, { title: 'b1' });
    await b.sync.resume();
    const conflict = await recordedConflict(b, 'b records the conflict');
    await edit(a, { title: 'a2' });
    await a.sync.awaitInSync();

    await expect(b.sync.resolveConflict(conflict.id, 'local')).rejects.toBeInstanceOf(ConflictMovedError);
    const [still] = await firstValueFrom(b.sync.openConflicts$);
    expect(still).toMatchObject({ id: conflict.id, server: { title: 'a2' }, kept: { title: 'a2' } });
    expect((await serverTask()).title).toBe('a2');
    await b.sync.resolveConflict(conflict.id, 'merged', { ...still!.server, title: 'a2 + b1' });
    expect((await serverTask()).title).toBe('a2 + b1');
  });

  it('records a delete that meets an edit, keeping the edit', async () => {
    await edit(a, { title: 'still wanted' });
    await a.sync.awaitInSync();
    const onB = await b.replica.collections.tasks.findOne(task.uid).exec();
    await onB!.incrementalRemove();
    await b.sync.resume();
    const conflict = await recordedConflict(b, 'b records the conflict');
    expect(conflict).toMatchObject({
      local: { _deleted: true },
      server: { title: 'still wanted', _deleted: false },
    });
    await waitUntil(
      async () => (await contents(b, 'tasks')).some((doc) => doc.uid === task.uid),
      'the task comes back on b',
    );
    expect((await serverTask())._deleted).toBe(false);
  });

  it('records an edit the server refuses for lack of write access, and does not retry it forever', async () => {
    const reader = await server.app.createUserWithToken(`reader-${task.uid}`);
    const { id } = (
      await server.app.database.db.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [
        repo.uid,
      ])
    )[0]!;
    await grantAccess(server.app.database.db, reader.userId, id, 'read');
    let pushes = 0;
    const countingFetch = (input: string, init?: RequestInit) => {
      if (input.endsWith('/push')) pushes++;
      return fetch(input, init);
    };
    const r = await server.open({ token: reader.token, fetch: countingFetch });
    await waitUntil(async () => (await contents(r, 'tasks')).length === 1, 'the reader has the task');
    await edit(r, { title: 'reader was here' });

    const conflict = await recordedConflict(r, 'the refusal is recorded');
    expect(conflict).toMatchObject({ local: { title: 'reader was here' }, server: { title: 'original' } });
    await waitUntil(
      async () => (await contents(r, 'tasks'))[0]?.title === 'original',
      'the replica keeps the server state',
    );
    const settled = pushes;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(pushes - settled).toBeLessThanOrEqual(1);
    expect((await serverTask()).title).toBe('original');
  });
});
