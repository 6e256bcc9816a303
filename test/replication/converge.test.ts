// Two RxDB clients against one real server: writes on either side reach the other, live
// (through the change stream), in all three collections, including deletes.
import { describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { contents, local, useSyncServer, waitLive, waitUntil } from '../support/sync-client.js';

describe.each(testDatabaseKinds())('two RxDB clients on %s', (kind) => {
  const server = useSyncServer(kind);

  it('converge on all three collections, both ways and live', async () => {
    const user = await server.app.createUserWithToken('alice');
    const a = await server.open();
    const b = await server.open({ token: user.token });
    await Promise.all([a.sync.awaitInSync(), b.sync.awaitInSync()]);
    await waitLive(b, 'b listens to the stream');

    // B (a plain user) creates a repository offline-first; the server grants B write on it.
    const repo = repositoryDoc({ name: 'from-b', metadata: { stars: 1 } });
    await b.replica.collections.repositories.insert(local(repo));
    const task = taskDoc(repo.uid, { title: 'overview' });
    await b.replica.collections.tasks.insert(local(task));
    const doc = documentDoc(repo.uid, task.uid, { title: 'Overview', content: '# Hello' });
    await b.replica.collections.documents.insert(local(doc));

    // A (admin) sees it all, live, without asking.
    await waitUntil(async () => (await contents(a, 'documents')).length === 1, 'a receives the document');
    expect((await contents(a, 'repositories'))[0]).toMatchObject({
      uid: repo.uid,
      name: 'from-b',
      metadata: { stars: 1 },
    });
    expect((await contents(a, 'tasks'))[0]).toMatchObject({ uid: task.uid, repository_uid: repo.uid });
    expect((await contents(a, 'documents'))[0]).toMatchObject({
      uid: doc.uid,
      task_uid: task.uid,
      content: '# Hello',
    });

    // A edits; B receives it live.
    const onA = await a.replica.collections.documents.findOne(doc.uid).exec();
    await onA!.incrementalPatch({ content: '# Hello, world', updated_at: new Date().toISOString() });
    await waitUntil(
      async () => (await contents(b, 'documents'))[0]?.content === '# Hello, world',
      'b receives the edit',
    );

    await Promise.all([a.sync.awaitInSync(), b.sync.awaitInSync()]);
    for (const collection of ['repositories', 'tasks', 'documents'] as const) {
      const onAList = await contents(a, collection);
      expect(onAList.length).toBe(1);
      expect(await contents(b, collection)).toEqual(onAList);
      // Every replica learns the server's id, including the one that created the row.
      expect(onAList[0]!.id).toEqual(expect.any(Number));
    }
    const { access } = (
      await server.app.database.db.query<{ access: string }>(
        'SELECT access FROM repository_grants WHERE user_id = $1',
        [user.userId],
      )
    )[0]!;
    expect(access).toBe('write');
  });

  it('propagate deletes as tombstones', async () => {
    const a = await server.open();
    const b = await server.open();
    const repo = repositoryDoc();
    const tasks = [taskDoc(repo.uid, { title: 'keep' }), taskDoc(repo.uid, { title: 'drop' })];
    await a.replica.collections.repositories.insert(local(repo));
    await a.replica.collections.tasks.bulkInsert(tasks.map(local));
    await waitUntil(async () => (await contents(b, 'tasks')).length === 2, 'b has both tasks');

    const drop = await b.replica.collections.tasks.findOne(tasks[1]!.uid).exec();
    await drop!.incrementalRemove();
    await waitUntil(async () => (await contents(a, 'tasks')).length === 1, 'a loses the deleted task');
    expect((await contents(a, 'tasks'))[0]).toMatchObject({ title: 'keep' });
    const [row] = await server.app.database.db.query('SELECT deleted FROM tasks WHERE uid = $1', [
      tasks[1]!.uid,
    ]);
    expect(row).toEqual({ deleted: true });

    // Deleting the repository on the server (REST) tombstones its contents on every replica.
    const { id } = (
      await server.app.database.db.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [
        repo.uid,
      ])
    )[0]!;
    expect((await server.app.request('DELETE', `/api/repositories/${id}`)).status).toBe(200);
    await waitUntil(
      async () =>
        (await contents(a, 'repositories')).length === 0 && (await contents(b, 'tasks')).length === 0,
      'the repository and its tasks disappear on both replicas',
    );
  });
});
