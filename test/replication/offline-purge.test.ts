// Rows of a repository that leaves the kept set leave the browser's storage, without a delete
// reaching the server: unpinned, its rows go and the server keeps them; revoked, its rows go
// and an edit not pushed yet is parked as ACCESS_LOST with its text whole.
import { describe, expect, it } from 'vitest';
import type { ReadableRepository } from '@wikisync/shared';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { grantAccess, revokeAccess } from '../../apps/server/src/auth/user-store.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { ACCESS_LOST, PURGE_MARK } from '../../apps/web/src/sync/dropped-rows.js';
import { useSyncServer, waitUntil, type Client } from '../support/sync-client.js';

/** Rows of `collection` in the client's storage, deleted ones included. */
async function stored(client: Client, collection: 'tasks' | 'documents', uids: string[]) {
  return client.replica.collection(collection).storageInstance.findDocumentsById(uids, true);
}

describe.each(testDatabaseKinds())('rows leaving the browser on %s', (kind) => {
  const server = useSyncServer(kind);

  async function setUp() {
    const repos = [1, 2].map((n) => repositoryDoc({ name: `purge-${n}` }));
    const push = (collection: string, docs: unknown[]) =>
      server.app.request('POST', '/api/v1/sync/push', {
        body: {
          collection,
          rows: docs.map((doc) => ({ assumed_master_state: null, new_document_state: doc })),
        },
      });
    await push('repositories', repos);
    const tasks = repos.flatMap((repo) =>
      [0, 1].map((n) => taskDoc(repo.uid, { title: `${repo.name}-${n}` })),
    );
    const docs = tasks.map((task) =>
      documentDoc(task.repository_uid, task.uid, { title: `${task.title}-doc`, content: 'line one\n' }),
    );
    await push('tasks', tasks);
    await push('documents', docs);
    const user = await server.app.createUserWithToken('purges');
    const ids: number[] = [];
    for (const repo of repos) {
      const [row] = await server.app.database.db.query<{ id: number }>(
        'SELECT id FROM repositories WHERE uid = $1',
        [repo.uid],
      );
      ids.push(Number(row!.id));
      await grantAccess(server.app.database.db, user.userId, Number(row!.id), 'write');
    }
    const state = { kept: [...ids], readable: null as ReadableRepository[] | null };
    const client = await server.open({
      token: user.token,
      offlineRepositories: () => state.kept,
      readableRepositories: () => state.readable,
      onAccess: (readableIds) => {
        state.readable = (state.readable ?? []).filter((repo) => readableIds.includes(repo.id));
      },
    });
    state.readable = (await client.sync.transport.status()).readable_repositories ?? null;
    await client.sync.awaitInSync();
    const ofRepo = (n: number, list: { uid: string; repository_uid: string }[]) =>
      list.filter((row) => row.repository_uid === repos[n]!.uid).map((row) => row.uid);
    const serverCount = async (table: string, n: number) => {
      const [row] = await server.app.database.db.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM ${table} t JOIN repositories r ON r.id = t.repository_id
         WHERE r.uid = $1 AND NOT t.deleted`,
        [repos[n]!.uid],
      );
      return Number(row!.count);
    };
    return {
      ids,
      state,
      client,
      user,
      tasks: (n: number) => ofRepo(n, tasks),
      docs: (n: number) => ofRepo(n, docs),
      serverCount,
    };
  }

  it('unpinning removes the rows from the browser, the server keeps them', async () => {
    const { ids, state, client, tasks, docs, serverCount } = await setUp();
    expect((await stored(client, 'documents', docs(1))).length).toBe(2);
    state.kept = [ids[0]!];
    client.sync.resync();
    await waitUntil(
      async () =>
        (await stored(client, 'documents', docs(1))).length === 0 &&
        (await stored(client, 'tasks', tasks(1))).length === 0,
      'the unpinned repository leaves the storage',
    );
    expect((await stored(client, 'documents', docs(0))).length).toBe(2);
    expect(await serverCount('documents', 1)).toBe(2);
    expect(await serverCount('tasks', 1)).toBe(2);
    expect(client.replica.parkedPushes.rows).toEqual([]);
  });

  it('never sends a purge tombstone, even when RxDB takes one for a local delete', async () => {
    // RxDB writes a pulled state to the row before its metadata; a replication restarted in
    // between finds the purge's tombstone deleted over a live server state and pushes it as a
    // delete. The same push is made here directly: a local write of the tombstone's exact state.
    const { client, docs, serverCount } = await setUp();
    const uid = docs(1)[0]!;
    const doc = await client.replica.collections.documents.findOne(uid).exec();
    await doc!.incrementalModify((data) => ({
      ...data,
      content: '',
      updated_at: PURGE_MARK,
      _deleted: true,
    }));
    await client.sync.awaitInSync();
    expect(await serverCount('documents', 1)).toBe(2);
    const [onServer] = await server.app.database.db.query<{ content: string; deleted: boolean }>(
      'SELECT content, deleted FROM documents WHERE uid = $1',
      [uid],
    );
    expect(onServer).toEqual({ content: 'line one\n', deleted: false });
    // A person's own delete of the other document still reaches the server.
    const other = await client.replica.collections.documents.findOne(docs(1)[1]!).exec();
    await other!.remove();
    await client.sync.awaitInSync();
    await waitUntil(async () => (await serverCount('documents', 1)) === 1, 'the delete reaches the server');
  });

  it('a revoked grant removes the rows and parks an edit not pushed yet, text intact', async () => {
    const { ids, state, client, user, tasks, docs, serverCount } = await setUp();
    await client.sync.pause();
    const edited = await client.replica.collections.documents.findOne(docs(0)[0]!).exec();
    await edited!.incrementalPatch({
      content: 'line one\nwritten offline\n',
      updated_at: new Date().toISOString(),
    });
    await revokeAccess(server.app.database.db, user.userId, ids[0]!);
    // Back online the app asks the server what it may read before replicating (stores/sync.ts).
    state.readable = (await client.sync.transport.status()).readable_repositories ?? null;
    await client.sync.resume();
    await waitUntil(
      async () =>
        (await stored(client, 'documents', docs(0))).length === 0 &&
        (await stored(client, 'tasks', tasks(0))).length === 0,
      'the revoked repository leaves the storage',
      15_000,
    );
    const parked = client.replica.parkedPushes.rows;
    expect(parked.map((row) => [row.uid, row.code])).toEqual([[docs(0)[0], ACCESS_LOST]]);
    expect(parked[0]!.state.content).toBe('line one\nwritten offline\n');
    expect((await stored(client, 'documents', docs(1))).length).toBe(2);
    expect(await serverCount('documents', 0)).toBe(2);
  });
});
