import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { grantAccess } from '../auth/user-store.js';

describe.each(testDatabaseKinds())('changes feed and status on %s', (kind) => {
  const t = useTestApp(kind);
  let reader: { userId: number; token: string };
  const visible = repositoryDoc({ name: 'visible' });
  const hidden = repositoryDoc({ name: 'hidden' });
  const push = (collection: string, docs: unknown[]) =>
    t.request('POST', '/api/v1/sync/push', {
      body: {
        collection,
        rows: docs.map((doc) => ({ assumed_master_state: null, new_document_state: doc })),
      },
    });
  const repositoryId = async (uid: string) =>
    (await t.database.db.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [uid]))[0]!.id;
  beforeAll(async () => {
    reader = await t.createUserWithToken('feed-reader');
    await push('repositories', [hidden, visible]);
    await grantAccess(t.database.db, reader.userId, await repositoryId(visible.uid), 'read');
    // Hidden rows first, interleaved with visible ones: a filter after LIMIT would give short pages.
    for (let i = 0; i < 5; i++) {
      await push('tasks', [
        taskDoc(hidden.uid, { title: `h${i}` }),
        taskDoc(hidden.uid, { title: `h${i}b` }),
      ]);
      await push('tasks', [taskDoc(visible.uid, { title: `v${i}` })]);
    }
    await push('documents', [documentDoc(visible.uid, null, { _deleted: false, title: 'gone' })]);
    await t.database.db.query(`UPDATE documents SET deleted = true WHERE title = 'gone'`);
  });

  const changes = async (query: string, token?: string) =>
    (await jsonOf(await t.request('GET', `/api/v1/sync/changes?${query}`, { token }))).data;

  it('filters before the limit, so only the last page is short', async () => {
    let checkpoint = 0;
    const titles: string[] = [];
    const sizes: number[] = [];
    for (;;) {
      const page = await changes(`collection=tasks&checkpoint=${checkpoint}&limit=2`, reader.token);
      sizes.push(page.documents.length);
      titles.push(...page.documents.map((doc: { title: string }) => doc.title));
      expect(page.has_more).toBe(page.documents.length === 2);
      checkpoint = page.checkpoint.server_version;
      if (!page.has_more) break;
    }
    expect(titles).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('starts from the beginning without a checkpoint and keeps the checkpoint on an empty page', async () => {
    const all = await changes('collection=repositories');
    expect(all.documents.map((doc: { name: string }) => doc.name)).toEqual(['hidden', 'visible']);
    const after = await changes(`collection=repositories&checkpoint=${all.checkpoint.server_version}`);
    expect(after).toEqual({ documents: [], checkpoint: all.checkpoint, has_more: false });
  });

  it('delivers deletes as tombstones with _deleted: true', async () => {
    const docs = (await changes('collection=documents', reader.token)).documents;
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      title: 'gone',
      _deleted: true,
      repository_uid: visible.uid,
      task_uid: null,
    });
  });

  it('refuses a bad collection, checkpoint or limit with a message naming it', async () => {
    for (const [query, field] of [
      ['collection=nope', /collection/],
      ['collection=tasks&checkpoint=-1', /checkpoint/],
      ['collection=tasks&limit=1001', /limit/],
      ['collection=tasks&limit=abc', /limit/],
      ['collection=tasks&extra=1', /extra/],
    ] as const) {
      const response = await t.request('GET', `/api/v1/sync/changes?${query}`);
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).error).toMatch(field);
    }
  });

  it('reports status counted over what the caller can read', async () => {
    const mine = await changes('collection=tasks', reader.token);
    const status = (await jsonOf(await t.request('GET', '/api/v1/sync/status', { token: reader.token })))
      .data;
    expect(status.collections).toEqual({
      repositories: { rows: 1, tombstones: 0 },
      tasks: { rows: 5, tombstones: 0 },
      documents: { rows: 0, tombstones: 1 },
    });
    expect(status.latest_version.tasks).toBe(mine.checkpoint.server_version);
    expect(Date.parse(status.server_time)).not.toBeNaN();
  });

  it('counts only the repositories named in `repositories`, and refuses a bad list', async () => {
    const statusOf = async (query: string, token?: string) =>
      (await jsonOf(await t.request('GET', `/api/v1/sync/status?${query}`, { token }))).data;
    // An admin reads both; naming one counts that one only.
    const [visibleId, hiddenId] = [await repositoryId(visible.uid), await repositoryId(hidden.uid)];
    const onlyVisible = await statusOf(`repositories=${visibleId}`);
    expect(onlyVisible.collections).toEqual({
      repositories: { rows: 1, tombstones: 0 },
      tasks: { rows: 5, tombstones: 0 },
      documents: { rows: 0, tombstones: 1 },
    });
    const both = await statusOf(`repositories=${visibleId},${hiddenId}`);
    expect(both.collections.tasks).toEqual({ rows: 15, tombstones: 0 });
    // Naming a repository you cannot read counts nothing from it.
    const asReader = await statusOf(`repositories=${hiddenId}`, reader.token);
    expect(asReader.collections.tasks).toEqual({ rows: 0, tombstones: 0 });
    expect(asReader.latest_version.tasks).toBe(0);
    for (const query of ['repositories=', 'repositories=1,,2', `repositories=${visible.uid}`, 'other=1']) {
      const response = await t.request('GET', `/api/v1/sync/status?${query}`);
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).error).toMatch(/repositories|other/);
    }
  });

  it('brings a repository granted later to a replica whose checkpoint is already past its rows', async () => {
    const late = repositoryDoc({ name: 'granted-later' });
    await push('repositories', [late]);
    await push('tasks', [taskDoc(late.uid, { title: 'written before the grant' })]);
    // The reader's replica moves on past those rows: it sees a newer task of `visible`.
    await push('tasks', [taskDoc(visible.uid, { title: 'v-after' })]);
    const before = await changes('collection=tasks&limit=1000', reader.token);
    const titlesBefore = before.documents.map((doc: { title: string }) => doc.title);
    expect(titlesBefore).toContain('v-after');
    expect(titlesBefore).not.toContain('written before the grant');

    await grantAccess(t.database.db, reader.userId, await repositoryId(late.uid), 'read');
    const after = await changes(
      `collection=tasks&checkpoint=${before.checkpoint.server_version}`,
      reader.token,
    );
    expect(after.documents.map((doc: { title: string }) => doc.title)).toEqual(['written before the grant']);
    const repositories = await changes('collection=repositories&limit=1000', reader.token);
    expect(repositories.documents.map((doc: { name: string }) => doc.name)).toContain('granted-later');

    // Changing the access of an existing grant re-sends nothing.
    await grantAccess(t.database.db, reader.userId, await repositoryId(late.uid), 'write');
    const again = await changes(
      `collection=tasks&checkpoint=${after.checkpoint.server_version}`,
      reader.token,
    );
    expect(again.documents).toEqual([]);
  });
});
