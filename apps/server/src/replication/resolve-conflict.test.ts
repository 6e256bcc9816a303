import { describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';

describe.each(testDatabaseKinds())('conflict resolution on %s', (kind) => {
  const t = useTestApp(kind);

  const push = (collection: string, rows: unknown[]) =>
    t.request('POST', '/api/v1/sync/push', { body: { collection, rows } });
  const resolve = (body: unknown, token?: string) =>
    t.request('POST', '/api/v1/sync/resolve-conflict', { body, token });
  /** A resolution of a conflict on `repo`, with `repo` as its base; `fields` adds the rest. */
  const resolveRepository = (
    repo: ReturnType<typeof repositoryDoc>,
    resolution: string,
    fields: Record<string, unknown> = {},
    token?: string,
  ) => resolve({ collection: 'repositories', uid: repo.uid, resolution, base: repo, ...fields }, token);

  it('applies the choice when the server row is still the base, and logs base, local, server and result', async () => {
    const repo = repositoryDoc();
    const task = taskDoc(repo.uid, { title: 'base' });
    await push('repositories', [{ assumed_master_state: null, new_document_state: repo }]);
    await push('tasks', [{ assumed_master_state: null, new_document_state: task }]);
    const server = { ...task, title: 'server' };
    await push('tasks', [{ assumed_master_state: task, new_document_state: server }]);
    const local = { ...task, title: 'local', outline: 'mine' };
    const merged = { ...server, outline: 'mine' };

    const response = await resolve({
      collection: 'tasks',
      uid: task.uid,
      resolution: 'merged',
      base: server,
      local,
      document: merged,
    });
    expect(response.status).toBe(200);
    const data = (await jsonOf(response)).data;
    expect(data.document).toMatchObject({ title: 'server', outline: 'mine', _deleted: false });

    const log = (
      await jsonOf(await t.request('GET', `/api/v1/sync/conflicts?collection=tasks&uid=${task.uid}`))
    ).data.items;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      id: data.conflict_id,
      resolution: 'merged',
      user_name: 'admin',
      base: { title: 'server' },
      local: { title: 'local', outline: 'mine' },
      server: { title: 'server', outline: '' },
      result: { title: 'server', outline: 'mine' },
    });
    expect(Date.parse(log[0].resolved_at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('logs the colliding line hunks and how each was decided, within a bound', async () => {
    // The task's outline went from `base` to the server's on the server, and to `local` here.
    const repo = repositoryDoc();
    const [base, server, local] = ['one\ntwo\nthree', 'one\ntheirs\nthree', 'one\nmine\nthree'].map(
      (outline) => taskDoc(repo.uid, { uid: `${repo.uid.slice(0, 20)}-hunks`, outline }),
    ) as [ReturnType<typeof taskDoc>, ReturnType<typeof taskDoc>, ReturnType<typeof taskDoc>];
    for (const [collection, before, after] of [
      ['repositories', null, repo],
      ['tasks', null, base],
      ['tasks', base, server],
    ] as const)
      await push(collection, [{ assumed_master_state: before, new_document_state: after }]);
    const merged = { ...server, outline: 'one\nmine\ntheirs\nthree' };
    const hunks = [
      {
        field: 'outline',
        base_line: 1,
        base: ['two'],
        local: ['mine'],
        server: ['theirs'],
        decision: 'both',
        result: ['mine', 'theirs'],
      },
    ];
    const body = { collection: 'tasks', uid: server.uid, resolution: 'merged', base: server, local };

    const tooLarge = await resolve({
      ...body,
      document: merged,
      hunks: [{ ...hunks[0], local: ['x'.repeat(300 * 1024)] }],
    });
    expect(tooLarge.status).toBe(413);
    expect((await jsonOf(tooLarge)).error).toMatch(/^hunks is \d+ bytes/);

    expect((await resolve({ ...body, document: merged, hunks })).status).toBe(200);
    const log = (
      await jsonOf(await t.request('GET', `/api/v1/sync/conflicts?collection=tasks&uid=${server.uid}`))
    ).data.items;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      base: { outline: 'one\ntheirs\nthree' },
      local: { outline: 'one\nmine\nthree' },
      server: { outline: 'one\ntheirs\nthree' },
      result: { outline: 'one\nmine\ntheirs\nthree' },
      hunks,
    });
  });

  it('answers 409 with the current server document when the row moved on, and writes nothing', async () => {
    const repo = repositoryDoc();
    await push('repositories', [{ assumed_master_state: null, new_document_state: repo }]);
    const moved = { ...repo, name: 'moved' };
    await push('repositories', [{ assumed_master_state: repo, new_document_state: moved }]);
    const response = await resolveRepository(repo, 'local', { document: { ...repo, name: 'mine' } });
    expect(response.status).toBe(409);
    const body = await jsonOf(response);
    expect(body.code).toBe('CONFLICT');
    expect(body.data).toMatchObject({ uid: repo.uid, name: 'moved' });
    const [row] = await t.database.db.query('SELECT name FROM repositories WHERE uid = $1', [repo.uid]);
    expect(row).toEqual({ name: 'moved' });
    const log = (await jsonOf(await t.request('GET', `/api/v1/sync/conflicts?uid=${repo.uid}`))).data.items;
    expect(log).toEqual([]);
  });

  it('keeps the server state for "server", still logging it, and checks its input', async () => {
    const repo = repositoryDoc({ name: 'keep' });
    await push('repositories', [{ assumed_master_state: null, new_document_state: repo }]);
    const kept = await resolveRepository(repo, 'server', { local: { ...repo, name: 'lost' } });
    expect((await jsonOf(kept)).data.document).toMatchObject({ name: 'keep' });
    const log = (await jsonOf(await t.request('GET', `/api/v1/sync/conflicts?uid=${repo.uid}`))).data.items;
    expect(log[0]).toMatchObject({ resolution: 'server', local: { name: 'lost' }, result: { name: 'keep' } });

    const missingDoc = await resolveRepository(repo, 'local');
    expect(missingDoc.status).toBe(400);
    expect((await jsonOf(missingDoc)).error).toMatch(/document: required/);
    const wrongUid = await resolveRepository(repo, 'server', { uid: 'other' });
    expect((await jsonOf(wrongUid)).error).toMatch(/base\.uid must be other/);
  });

  it("hides other users' repositories: 404 to resolve, nothing in their conflict list", async () => {
    const repo = repositoryDoc();
    await push('repositories', [{ assumed_master_state: null, new_document_state: repo }]);
    await resolveRepository(repo, 'server');
    const stranger = await t.createUserWithToken('resolve-stranger');
    const forbidden = await resolveRepository(repo, 'server', {}, stranger.token);
    expect(forbidden.status).toBe(404);
    const list = (await jsonOf(await t.request('GET', '/api/v1/sync/conflicts', { token: stranger.token })))
      .data.items;
    expect(list).toEqual([]);
  });
});
