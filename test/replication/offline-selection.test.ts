// A browser keeps only some repositories offline: it pulls only their tasks and documents, and
// a repository kept later is pulled from its beginning without pulling the others again.
import { describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { grantAccess, revokeAccess } from '../../apps/server/src/auth/user-store.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { contents, useSyncServer, waitUntil } from '../support/sync-client.js';

interface Served {
  url: string;
  repositories: string[];
}

/** fetch that records, for each changes page, the repository of every row it carried. */
function countingFetch(served: Served[]) {
  return async (input: string, init?: RequestInit) => {
    const response = await fetch(input, init);
    if (input.includes('/sync/changes?')) {
      const body = (await response.clone().json()) as {
        data?: { documents?: { repository_uid?: string }[] };
      };
      served.push({
        url: input,
        repositories: (body.data?.documents ?? []).map((doc) => doc.repository_uid ?? ''),
      });
    }
    return response;
  };
}

describe.each(testDatabaseKinds())('keeping some repositories offline on %s', (kind) => {
  const server = useSyncServer(kind);

  it('pulls only the kept repository, then a newly kept one from its start, not the first again', async () => {
    const repos = [1, 2, 3].map((n) => repositoryDoc({ name: `kept-${n}` }));
    const push = (collection: string, docs: unknown[]) =>
      server.app.request('POST', '/api/v1/sync/push', {
        body: {
          collection,
          rows: docs.map((doc) => ({ assumed_master_state: null, new_document_state: doc })),
        },
      });
    await push('repositories', repos);
    for (let round = 0; round < 3; round++) {
      const tasks = repos.map((repo) => taskDoc(repo.uid, { title: `${repo.name}-${round}` }));
      await push('tasks', tasks);
      await push(
        'documents',
        tasks.map((task) => documentDoc(task.repository_uid, task.uid, { title: `${task.title}-doc` })),
      );
    }
    const user = await server.app.createUserWithToken('keeps-one');
    const ids: number[] = [];
    for (const repo of repos) {
      const [row] = await server.app.database.db.query<{ id: number }>(
        'SELECT id FROM repositories WHERE uid = $1',
        [repo.uid],
      );
      ids.push(Number(row!.id));
      await grantAccess(server.app.database.db, user.userId, Number(row!.id), 'write');
    }

    let kept = [ids[0]!];
    const served: Served[] = [];
    const access: number[][] = [];
    const client = await server.open({
      token: user.token,
      fetch: countingFetch(served),
      offlineRepositories: () => kept,
      onAccess: (readable) => access.push(readable),
    });
    await client.sync.awaitInSync();
    const repositoryOf = async (collection: 'tasks' | 'documents') =>
      new Set((await contents(client, collection)).map((doc) => doc.repository_uid));
    expect(await repositoryOf('tasks')).toEqual(new Set([repos[0]!.uid]));
    expect(await repositoryOf('documents')).toEqual(new Set([repos[0]!.uid]));
    expect((await contents(client, 'tasks')).length).toBe(3);
    // Repository rows list every readable repository, kept or not.
    expect((await contents(client, 'repositories')).length).toBe(3);
    const taskPages = served.filter((page) => page.url.includes('collection=tasks'));
    expect(taskPages.every((page) => page.url.includes(`repositories=${ids[0]}`))).toBe(true);

    // Keep a second one: its rows come from the start, the first's are not served again.
    const before = served.length;
    kept = [ids[0]!, ids[1]!];
    client.sync.resync();
    await waitUntil(
      async () => (await contents(client, 'documents')).length === 6,
      'the second repository arrives',
    );
    await client.sync.awaitInSync();
    const after = served.slice(before).filter((page) => !page.url.includes('collection=repositories'));
    const rows = after.flatMap((page) => page.repositories);
    expect(rows.filter((uid) => uid === repos[1]!.uid).length).toBe(6);
    expect(rows.filter((uid) => uid !== repos[1]!.uid)).toEqual([]);
    expect(
      after.some(
        (page) => page.url.includes(`repositories=${ids[1]}&`) || page.url.endsWith(`repositories=${ids[1]}`),
      ),
    ).toBe(true);
    expect(await repositoryOf('tasks')).toEqual(new Set([repos[0]!.uid, repos[1]!.uid]));

    // Live: a change in a kept repository arrives, one in a repository not kept does not.
    await push('tasks', [
      taskDoc(repos[2]!.uid, { title: 'not-kept' }),
      taskDoc(repos[1]!.uid, { title: 'kept-live' }),
    ]);
    await waitUntil(
      async () => (await contents(client, 'tasks')).some((task) => task.title === 'kept-live'),
      'a live change of a kept repository',
    );
    expect((await contents(client, 'tasks')).some((task) => task.title === 'not-kept')).toBe(false);

    // A grant taken is announced on the stream within seconds.
    await revokeAccess(server.app.database.db, user.userId, ids[0]!);
    await waitUntil(async () => access.length > 0, 'the access event');
    expect(access).toEqual([[ids[1], ids[2]]]);
    await client.close();
  });
});
