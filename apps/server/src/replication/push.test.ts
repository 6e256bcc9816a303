import { describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { grantAccess } from '../auth/user-store.js';

describe.each(testDatabaseKinds())('replication push on %s', (kind) => {
  const t = useTestApp(kind, { maxBodyBytes: 256 * 1024 });

  const push = (collection: string, rows: unknown[], token?: string) =>
    t.request('POST', '/api/v1/sync/push', { body: { collection, rows }, token });
  const pull = async (collection: string, token?: string) =>
    (
      await jsonOf(
        await t.request('GET', `/api/v1/sync/changes?collection=${collection}&limit=1000`, { token }),
      )
    ).data;

  it('inserts, updates against the assumed state, and treats a resent push as success', async () => {
    const repo = repositoryDoc({ name: 'cas', metadata: { b: 1, a: { y: 2, x: 1 } } });
    const created = await push('repositories', [{ assumed_master_state: null, new_document_state: repo }]);
    expect(await jsonOf(created)).toEqual({ code: 'OK', data: { conflicts: [] } });
    const renamed = { ...repo, name: 'cas-2' };
    const row = { assumed_master_state: repo, new_document_state: renamed };
    expect((await jsonOf(await push('repositories', [row]))).data.conflicts).toEqual([]);
    // The same push again: the server already has new_document_state.
    expect((await jsonOf(await push('repositories', [row]))).data.conflicts).toEqual([]);
    const stored = (await pull('repositories')).documents.find(
      (doc: { uid: string }) => doc.uid === repo.uid,
    );
    expect(stored).toMatchObject({ name: 'cas-2', metadata: { a: { x: 1, y: 2 }, b: 1 }, _deleted: false });
    expect(stored.id).toBeGreaterThan(0);
  });

  it('takes rows from a stock RxDB client that sends no server id, and links run_after by uid', async () => {
    const strip = <T extends { id?: unknown }>(doc: T) => {
      const { id: _id, ...rest } = doc;
      return rest;
    };
    const repo = repositoryDoc({ name: 'stock' });
    const first = taskDoc(repo.uid, { title: 'first' });
    const second = taskDoc(repo.uid, { title: 'second', run_after_uid: first.uid });
    expect((await jsonOf(await push('repositories', [{ new_document_state: strip(repo) }]))).data).toEqual({
      conflicts: [],
    });
    const tasks = [second, first].map((task) => ({
      assumed_master_state: null,
      new_document_state: strip(task),
    }));
    expect((await jsonOf(await push('tasks', tasks))).data.conflicts).toEqual([]);
    const [row] = await t.database.db.query(
      'SELECT a.title AS waits_for FROM task_rows t JOIN tasks a ON a.id = t.run_after_id WHERE t.uid = $1',
      [second.uid],
    );
    expect(row).toEqual({ waits_for: 'first' });
    const pulled = (await pull('tasks')).documents.find((doc: { uid: string }) => doc.uid === second.uid);
    expect(pulled).toMatchObject({ run_after_uid: first.uid, id: expect.any(Number) });
  });

  it('answers a stale assumed state with the current server document and writes nothing', async () => {
    const repo = repositoryDoc({ name: 'base' });
    await push('repositories', [{ assumed_master_state: null, new_document_state: repo }]);
    await push('repositories', [
      { assumed_master_state: repo, new_document_state: { ...repo, name: 'theirs' } },
    ]);
    const response = await push('repositories', [
      { assumed_master_state: repo, new_document_state: { ...repo, description: 'mine' } },
    ]);
    const conflicts = (await jsonOf(response)).data.conflicts;
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ uid: repo.uid, name: 'theirs', description: '', _deleted: false });
    expect(typeof conflicts[0].id).toBe('number');
    const [row] = await t.database.db.query('SELECT name, description FROM repositories WHERE uid = $1', [
      repo.uid,
    ]);
    expect(row).toEqual({ name: 'theirs', description: '' });
  });

  it('compares every replicated field, but never the server-owned id', async () => {
    const repo = repositoryDoc();
    const task = taskDoc(repo.uid, { metadata: { n: 1 } });
    await push('repositories', [{ assumed_master_state: null, new_document_state: repo }]);
    await push('tasks', [{ assumed_master_state: null, new_document_state: task }]);
    // An assumed state that differs only in id (the client never learned it) still matches.
    const ok = await push('tasks', [
      { assumed_master_state: { ...task, id: 999_999 }, new_document_state: { ...task, title: 'next' } },
    ]);
    expect((await jsonOf(ok)).data.conflicts).toEqual([]);
    // One differing field (metadata) in the assumed state is a conflict.
    const stale = await push('tasks', [
      {
        assumed_master_state: { ...task, title: 'next', metadata: { n: 2 } },
        new_document_state: { ...task, title: 'again' },
      },
    ]);
    expect((await jsonOf(stale)).data.conflicts.map((doc: { title: string }) => doc.title)).toEqual(['next']);
  });

  it("delivers deletes as tombstones and tombstones a repository's contents with it", async () => {
    const repo = repositoryDoc();
    const task = taskDoc(repo.uid);
    const doc = documentDoc(repo.uid, task.uid);
    await push('repositories', [{ assumed_master_state: null, new_document_state: repo }]);
    await push('tasks', [{ assumed_master_state: null, new_document_state: task }]);
    await push('documents', [{ assumed_master_state: null, new_document_state: doc }]);
    await push('repositories', [
      { assumed_master_state: repo, new_document_state: { ...repo, _deleted: true } },
    ]);
    for (const [collection, uid] of [
      ['repositories', repo.uid],
      ['tasks', task.uid],
      ['documents', doc.uid],
    ] as const) {
      const found = (await pull(collection)).documents.find((each: { uid: string }) => each.uid === uid);
      expect(found._deleted).toBe(true);
    }
  });

  it('rejects a push naming a missing owner with 409, naming the uids, and writes none of it', async () => {
    const repo = repositoryDoc();
    await push('repositories', [{ assumed_master_state: null, new_document_state: repo }]);
    const good = documentDoc(repo.uid, null);
    const orphan = documentDoc(repo.uid, 'no-such-task');
    const lost = taskDoc('no-such-repo');
    const response = await push('documents', [
      { assumed_master_state: null, new_document_state: good },
      { assumed_master_state: null, new_document_state: orphan },
    ]);
    expect(response.status).toBe(409);
    expect((await jsonOf(response)).error).toMatch(/tasks no-such-task/);
    const taskResponse = await push('tasks', [{ assumed_master_state: null, new_document_state: lost }]);
    expect((await jsonOf(taskResponse)).data).toEqual({
      missing: { repositories: ['no-such-repo'], tasks: [] },
    });
    expect(await t.database.db.query('SELECT 1 FROM documents WHERE uid = $1', [good.uid])).toEqual([]);
  });

  it('accepts a row whose owner is a tombstone, and skips a tombstone for a row it never had', async () => {
    const repo = repositoryDoc();
    await push('repositories', [{ assumed_master_state: null, new_document_state: repo }]);
    await push('repositories', [
      { assumed_master_state: repo, new_document_state: { ...repo, _deleted: true } },
    ]);
    const late = taskDoc(repo.uid);
    expect(
      (await jsonOf(await push('tasks', [{ assumed_master_state: null, new_document_state: late }]))).data,
    ).toEqual({
      conflicts: [],
    });
    const never = taskDoc('never-existed', { _deleted: true });
    const response = await push('tasks', [{ assumed_master_state: null, new_document_state: never }]);
    expect((await jsonOf(response)).data).toEqual({ conflicts: [] });
    expect(await t.database.db.query('SELECT 1 FROM tasks WHERE uid = $1', [never.uid])).toEqual([]);
  });

  it('refuses bad input with 400 naming the field, over 1000 rows, and bodies over the limit with 413', async () => {
    const bad = await push('tasks', [{ assumed_master_state: null, new_document_state: { uid: 'x' } }]);
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).error).toMatch(/rows\.0\.new_document_state\.repository_uid/);
    const unknown = await push('widgets', []);
    expect(unknown.status).toBe(400);
    expect((await jsonOf(unknown)).error).toMatch(/collection/);
    const tiny = repositoryDoc();
    const many = Array.from({ length: 1001 }, () => ({
      assumed_master_state: null,
      new_document_state: { uid: tiny.uid },
    }));
    const tooMany = await push('repositories', many);
    expect(tooMany.status).toBe(400);
    expect((await jsonOf(tooMany)).error).toMatch(/at most 1000 rows/);
    const huge = repositoryDoc({ description: 'x'.repeat(90_000) });
    const rows = Array.from({ length: 4 }, () => ({
      assumed_master_state: null,
      new_document_state: { ...huge, uid: repositoryDoc().uid },
    }));
    const large = await push('repositories', rows);
    expect(large.status).toBe(413);
    expect(
      await t.database.db.query('SELECT 1 FROM repositories WHERE description = $1', [huge.description]),
    ).toEqual([]);
    const twice = await push('repositories', [
      { assumed_master_state: null, new_document_state: tiny },
      { assumed_master_state: null, new_document_state: tiny },
    ]);
    expect(twice.status).toBe(400);
  });

  it('enforces grants: creator gets write, a reader gets conflicts, a stranger is told the repository is missing', async () => {
    const owner = await t.createUserWithToken('push-owner');
    const reader = await t.createUserWithToken('push-reader');
    const stranger = await t.createUserWithToken('push-stranger');
    const repo = repositoryDoc({ name: 'owned' });
    expect(
      (await push('repositories', [{ assumed_master_state: null, new_document_state: repo }], owner.token))
        .status,
    ).toBe(200);
    const task = taskDoc(repo.uid);
    expect(
      (
        await jsonOf(
          await push('tasks', [{ assumed_master_state: null, new_document_state: task }], owner.token),
        )
      ).data.conflicts,
    ).toEqual([]);
    const { id } = (
      await t.database.db.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [repo.uid])
    )[0]!;
    await grantAccess(t.database.db, reader.userId, id, 'read');

    const edit = { assumed_master_state: task, new_document_state: { ...task, title: 'reader was here' } };
    const asReader = (await jsonOf(await push('tasks', [edit], reader.token))).data.conflicts;
    expect(asReader).toHaveLength(1);
    expect(asReader[0]).toMatchObject({ uid: task.uid, title: 'task' });
    const newInReadOnly = taskDoc(repo.uid);
    const created = (
      await jsonOf(
        await push(
          'tasks',
          [{ assumed_master_state: null, new_document_state: newInReadOnly }],
          reader.token,
        ),
      )
    ).data.conflicts;
    expect(created).toEqual([{ ...newInReadOnly, _deleted: true }]);

    const asStranger = await push('tasks', [edit], stranger.token);
    // Exactly what a push naming a repository the server does not have gets.
    expect(asStranger.status).toBe(409);
    expect((await jsonOf(asStranger)).error).toMatch(
      new RegExp(`refers to repositories ${repo.uid}, which the server does not have`),
    );
    const [row] = await t.database.db.query('SELECT title FROM tasks WHERE uid = $1', [task.uid]);
    expect(row).toEqual({ title: 'task' });
    expect((await pull('tasks', stranger.token)).documents).toEqual([]);
  });
});
