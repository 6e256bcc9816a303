// A write to a row the caller cannot read must not confirm that the row exists: it gets
// the same answer as a write to a row that does not exist at all (REST 404, replication a
// missing reference or "does not exist for you"), while a row they can read but not write
// keeps its 403. Each case compares the hidden row with a made-up one, ids blanked out.
import { beforeAll, describe, expect, it } from 'vitest';
import { grantAccess } from '../../apps/server/src/auth/user-store.js';
import { jsonOf, useTestApp } from '../../apps/server/src/testing/test-app.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';

const MADE_UP_ID = 987_654;
const MADE_UP_UID = 'made-up-uid-0001';

describe.each(testDatabaseKinds())('no existence leaks through writes on %s', (kind) => {
  const t = useTestApp(kind);
  let stranger: { userId: number; token: string };
  const hidden = {
    repository: repositoryDoc({ name: 'hidden' }),
    ids: { repository: 0, task: 0, document: 0 },
  };
  const hiddenTask = taskDoc(hidden.repository.uid, { title: 'secret task' });
  const hiddenDocument = documentDoc(hidden.repository.uid, null, { title: 'secret doc' });
  const own = repositoryDoc({ name: 'own' });
  let readOnlyId = 0;

  const idOf = async (table: string, uid: string) =>
    Number(
      (await t.database.db.query<{ id: number }>(`SELECT id FROM ${table} WHERE uid = $1`, [uid]))[0]!.id,
    );
  const push = (collection: string, rows: unknown[], token: string | null = t.config.adminToken!) =>
    t.request('POST', '/api/v1/sync/push', { body: { collection, rows }, token });
  const fresh = (doc: object) => ({ assumed_master_state: null, new_document_state: doc });
  /** Status, code and message with every id and uid of the two rows compared blanked out. */
  async function answer(response: Response, ...ids: (string | number)[]) {
    let body = JSON.stringify(await jsonOf(response));
    for (const id of ids) body = body.split(String(id)).join('<id>');
    return { status: response.status, body: JSON.parse(body) as unknown };
  }
  const asStranger = (method: string, path: string, body?: unknown) =>
    t.request(method, path, { body, token: stranger.token });

  beforeAll(async () => {
    await push('repositories', [fresh(hidden.repository)]);
    await push('tasks', [fresh(hiddenTask)]);
    await push('documents', [fresh(hiddenDocument)]);
    hidden.ids = {
      repository: await idOf('repositories', hidden.repository.uid),
      task: await idOf('tasks', hiddenTask.uid),
      document: await idOf('documents', hiddenDocument.uid),
    };
    stranger = await t.createUserWithToken('stranger');
    expect((await push('repositories', [fresh(own)], stranger.token)).status).toBe(200);
    const readOnly = repositoryDoc({ name: 'read-only' });
    await push('repositories', [fresh(readOnly)]);
    readOnlyId = await idOf('repositories', readOnly.uid);
    await grantAccess(t.database.db, stranger.userId, readOnlyId, 'read');
  });

  it.each([
    ['PATCH', 'repositories', { name: 'x' }],
    ['DELETE', 'repositories', undefined],
    ['PATCH', 'tasks', { title: 'x' }],
    ['DELETE', 'tasks', undefined],
    ['PATCH', 'documents', { title: 'x' }],
    ['DELETE', 'documents', undefined],
  ] as const)(
    'REST %s /api/%s/:id of a hidden row answers as for a missing one',
    async (method, table, body) => {
      const hiddenId =
        hidden.ids[table === 'repositories' ? 'repository' : table === 'tasks' ? 'task' : 'document'];
      const forHidden = await answer(await asStranger(method, `/api/${table}/${hiddenId}`, body), hiddenId);
      const forMissing = await answer(
        await asStranger(method, `/api/${table}/${MADE_UP_ID}`, body),
        MADE_UP_ID,
      );
      expect(forHidden).toEqual(forMissing);
      expect(forHidden.status).toBe(404);
    },
  );

  it.each(['tasks', 'documents'])(
    'REST POST /api/%s into a hidden repository answers as for a missing one',
    async (table) => {
      const post = (repositoryId: number) =>
        asStranger('POST', `/api/${table}`, { repository_id: repositoryId, title: 'x' });
      const forHidden = await answer(await post(hidden.ids.repository), hidden.ids.repository);
      const forMissing = await answer(await post(MADE_UP_ID), MADE_UP_ID);
      expect(forHidden).toEqual(forMissing);
      expect(forHidden.status).toBe(404);
    },
  );

  it('keeps 403 for a repository the user can read but not write', async () => {
    const response = await asStranger('PATCH', `/api/repositories/${readOnlyId}`, { name: 'x' });
    expect(response.status).toBe(403);
    expect((await jsonOf(response)).error).toMatch(/ask an administrator for write access/);
  });

  it('REST uid clashes look the same whether the other row is hidden or the caller’s own', async () => {
    const ownId = await idOf('repositories', own.uid);
    const ownTask = await jsonOf(
      await asStranger('POST', '/api/tasks', { repository_id: ownId, title: 'mine' }),
    );
    const clash = (uid: string) =>
      asStranger('POST', '/api/tasks', { repository_id: ownId, title: 'x', uid });
    expect(await answer(await clash(hiddenTask.uid), hiddenTask.uid)).toEqual(
      await answer(await clash(ownTask.data.uid), ownTask.data.uid),
    );
  });

  it('replication: a row in a hidden repository is answered as one naming a missing repository', async () => {
    const intoHidden = await answer(
      await push('tasks', [fresh(taskDoc(hidden.repository.uid))], stranger.token),
      hidden.repository.uid,
    );
    const intoMissing = await answer(
      await push('tasks', [fresh(taskDoc(MADE_UP_UID))], stranger.token),
      MADE_UP_UID,
    );
    expect(intoHidden).toEqual(intoMissing);
    expect(intoHidden.status).toBe(409);
    // Editing a hidden row, with its real state as the assumed one, is the same.
    const edit = {
      assumed_master_state: hiddenTask,
      new_document_state: { ...hiddenTask, title: 'mine now' },
    };
    expect(await answer(await push('tasks', [edit], stranger.token), hidden.repository.uid)).toEqual(
      intoMissing,
    );
  });

  it('replication: a hidden row’s uid reused in the caller’s repository reveals nothing of it', async () => {
    const clashing = taskDoc(own.uid, { uid: hiddenTask.uid, title: 'clash' });
    const response = await push('tasks', [fresh(clashing)], stranger.token);
    expect(response.status).toBe(200);
    // The answer for a row that does not exist for the caller: their own row as a tombstone.
    expect((await jsonOf(response)).data.conflicts).toEqual([{ ...clashing, id: null, _deleted: true }]);
    const tombstone = await push('tasks', [fresh({ ...hiddenTask, _deleted: true })], stranger.token);
    expect((await jsonOf(tombstone)).data.conflicts).toEqual([]);
    const [row] = await t.database.db.query('SELECT title, deleted FROM tasks WHERE uid = $1', [
      hiddenTask.uid,
    ]);
    expect(row).toEqual({ title: 'secret task', deleted: false });
  });

  it('replication: resolving a hidden row answers as for a missing one, and logs nothing', async () => {
    const resolve = (uid: string, base: unknown) =>
      asStranger('POST', '/api/v1/sync/resolve-conflict', {
        collection: 'tasks',
        uid,
        resolution: 'server',
        base,
      });
    const forHidden = await answer(await resolve(hiddenTask.uid, hiddenTask), hiddenTask.uid);
    const forMissing = await answer(
      await resolve(MADE_UP_UID, { ...hiddenTask, uid: MADE_UP_UID }),
      MADE_UP_UID,
    );
    expect(forHidden).toEqual(forMissing);
    expect(forHidden.status).toBe(404);
    expect(await t.database.db.query('SELECT id FROM sync_conflict_log')).toEqual([]);
  });
});
