import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, listen, startTestApp, type TestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';
import { openStream } from '../testing/open-stream.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { grantAccess, revokeAccess } from '../auth/user-store.js';

// A browser keeps some repositories offline: the feed, the stream and `status` by repository.
describe.each(testDatabaseKinds())('repository filter and access changes on %s', (kind) => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  let reader: { userId: number; token: string };
  const repos = [
    repositoryDoc({ name: 'one' }),
    repositoryDoc({ name: 'two' }),
    repositoryDoc({ name: 'three' }),
  ];
  const secret = repositoryDoc({ name: 'secret' });
  const ids: number[] = [];
  let secretId = 0;
  const push = (collection: string, docs: unknown[]) =>
    t.request('POST', '/api/v1/sync/push', {
      body: {
        collection,
        rows: docs.map((doc) => ({ assumed_master_state: null, new_document_state: doc })),
      },
    });
  const idOf = async (uid: string) =>
    Number(
      (await t.database.db.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [uid]))[0]!.id,
    );
  const changes = async (query: string, token = reader.token) =>
    jsonOf(await t.request('GET', `/api/v1/sync/changes?${query}`, { token }));

  beforeAll(async () => {
    t = await startTestApp(kind);
    server = await listen(t.app.fetch);
    reader = await t.createUserWithToken('filter-reader');
    await push('repositories', [...repos, secret]);
    for (const repo of repos) ids.push(await idOf(repo.uid));
    secretId = await idOf(secret.uid);
    await grantAccess(t.database.db, reader.userId, ids[0]!, 'write');
    await grantAccess(t.database.db, reader.userId, ids[1]!, 'read');
    await grantAccess(t.database.db, reader.userId, ids[2]!, 'read');
    // Interleaved, the selected repository's rows sparse among the others'.
    for (let i = 0; i < 4; i++) {
      await push('tasks', [
        taskDoc(repos[0]!.uid, { title: `a${i}` }),
        taskDoc(repos[1]!.uid, { title: `b${i}` }),
      ]);
      await push('tasks', [
        taskDoc(secret.uid, { title: `s${i}` }),
        taskDoc(repos[2]!.uid, { title: `c${i}` }),
      ]);
    }
    await push('documents', [documentDoc(repos[1]!.uid, null, { title: 'doc-b' })]);
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it('pages through only the named repositories, in feed order, short only at the end', async () => {
    let checkpoint = 0;
    const titles: string[] = [];
    const sizes: number[] = [];
    for (;;) {
      const page = (
        await changes(`collection=tasks&checkpoint=${checkpoint}&limit=3&repositories=${ids[2]},${ids[0]}`)
      ).data;
      sizes.push(page.documents.length);
      titles.push(...page.documents.map((doc: { title: string }) => doc.title));
      checkpoint = page.checkpoint.server_version;
      if (!page.has_more) break;
    }
    expect(titles).toEqual(['a0', 'c0', 'a1', 'c1', 'a2', 'c2', 'a3', 'c3']);
    expect(sizes).toEqual([3, 3, 2]);
  });

  it('filters every collection, repositories by their own id', async () => {
    const repositories = (await changes(`collection=repositories&repositories=${ids[1]}`)).data;
    expect(repositories.documents.map((doc: { name: string }) => doc.name)).toEqual(['two']);
    const documents = (await changes(`collection=documents&repositories=${ids[0]}`)).data;
    expect(documents.documents).toEqual([]);
  });

  it('still applies permissions: an unreadable repository in the filter shows nothing', async () => {
    const page = (await changes(`collection=tasks&repositories=${secretId},${ids[1]}&limit=1000`)).data;
    expect(page.documents.map((doc: { title: string }) => doc.title)).toEqual(['b0', 'b1', 'b2', 'b3']);
    expect(page.has_more).toBe(false);
  });

  it('answers 400 naming the parameter for a bad filter', async () => {
    for (const bad of [
      '',
      'abc',
      '1,,2',
      '0',
      '-3',
      '1.5',
      Array.from({ length: 201 }, (_, i) => i + 1).join(','),
    ]) {
      const response = await t.request('GET', `/api/v1/sync/changes?collection=tasks&repositories=${bad}`, {
        token: reader.token,
      });
      expect(response.status, bad).toBe(400);
      expect((await jsonOf(response)).error).toMatch(/repositories: must be comma-separated repository ids/);
    }
  });

  it('lists the readable repositories in status, with write access', async () => {
    const status = (await jsonOf(await t.request('GET', '/api/v1/sync/status', { token: reader.token })))
      .data;
    expect(status.readable_repositories).toEqual([
      { id: ids[0], uid: repos[0]!.uid, name: 'one', may_write: true },
      { id: ids[1], uid: repos[1]!.uid, name: 'two', may_write: false },
      { id: ids[2], uid: repos[2]!.uid, name: 'three', may_write: false },
    ]);
    // The default of OFFLINE_ALL_UP_TO, for the browser's default choice.
    expect(status.offline_all_up_to).toBe(20);
  });

  it('streams changes of the named repositories only, and an access event when a grant goes', async () => {
    const stream = await openStream(`${server.url}/api/v1/sync/stream?repositories=${ids[1]}`, reader.token);
    await push('tasks', [taskDoc(repos[0]!.uid, { title: 'not-selected' })]);
    await push('tasks', [taskDoc(repos[1]!.uid, { title: 'selected' })]);
    const latest = (await jsonOf(await t.request('GET', '/api/v1/sync/status'))).data.latest_version.tasks;
    await stream.waitFor(() => stream.changes().length > 0, 'selected change');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.changes()).toEqual([{ collection: 'tasks', checkpoint: { server_version: latest } }]);

    await revokeAccess(t.database.db, reader.userId, ids[1]!);
    await stream.waitFor(() => stream.accessEvents().length > 0, 'access event', 4000);
    expect(stream.accessEvents()).toEqual([{ readable_repository_ids: [ids[0], ids[2]] }]);
    const status = (await jsonOf(await t.request('GET', '/api/v1/sync/status', { token: reader.token })))
      .data;
    expect(status.readable_repositories.map((r: { id: number }) => r.id)).toEqual([ids[0], ids[2]]);
    await stream.close();
  });

  it('refuses a bad stream filter with 400', async () => {
    const response = await fetch(`${server.url}/api/v1/sync/stream?repositories=x`, {
      headers: { authorization: `Bearer ${reader.token}` },
    });
    expect(response.status).toBe(400);
  });
});
