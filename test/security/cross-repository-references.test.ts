// A row may point only at rows of its own repository: REST refuses `doc_id`, `task_id` and
// `replaced_by` of another repository, and replication push must refuse the same pointers
// by uid (a task's `doc_uid`, a document's `task_uid` and `replaced_by_uid`). Otherwise a
// writer of one repository could attach another repository's document to its rows. The
// refusal is the one push already gives a document whose task is elsewhere: 400, nothing of
// the push written. A pointer to a row the server does not have yet stays allowed.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReplicatedDoc } from '@wikisync/shared';
import { jsonOf, useTestApp } from '../../apps/server/src/testing/test-app.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';

describe.each(testDatabaseKinds())('cross-repository references on %s', (kind) => {
  const t = useTestApp(kind);
  const mine = repositoryDoc({ name: 'mine' });
  const theirs = repositoryDoc({ name: 'theirs' });
  const theirTask = taskDoc(theirs.uid);
  const theirDocument = documentDoc(theirs.uid, null);
  const myDocument = documentDoc(mine.uid, null);

  const push = (collection: string, docs: ReplicatedDoc[]) =>
    t.request('POST', '/api/v1/sync/push', {
      body: {
        collection,
        rows: docs.map((doc) => ({ assumed_master_state: null, new_document_state: doc })),
      },
    });
  const stored = async (table: 'tasks' | 'documents', uids: string[]) =>
    t.database.db.query(`SELECT uid FROM ${table} WHERE uid = ANY($1::text[])`, [uids]);

  async function expectRefused(response: Response, message: RegExp) {
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error).toMatch(message);
  }

  beforeAll(async () => {
    for (const [collection, docs] of [
      ['repositories', [mine, theirs]],
      ['tasks', [theirTask]],
      ['documents', [theirDocument, myDocument]],
    ] as const) {
      expect((await push(collection, [...docs])).status).toBe(200);
    }
  });

  it("refuses a task whose doc_uid names another repository's document", async () => {
    const good = taskDoc(mine.uid);
    const bad = taskDoc(mine.uid, { doc_uid: theirDocument.uid });
    await expectRefused(await push('tasks', [good, bad]), /doc_uid, which belongs to another repository/);
    expect(await stored('tasks', [good.uid, bad.uid])).toEqual([]);
  });

  it("refuses a document whose replaced_by_uid or task_uid is another repository's", async () => {
    const replaced = documentDoc(mine.uid, null, { replaced_by_uid: theirDocument.uid });
    await expectRefused(await push('documents', [replaced]), /replaced_by_uid, which belongs to another/);
    const withTask = documentDoc(mine.uid, theirTask.uid);
    await expectRefused(await push('documents', [withTask]), /another repository/);
    // Both ends new in the same push: the server has neither, the push shows where each lives.
    const newTheirs = documentDoc(theirs.uid, null);
    const pointing = documentDoc(mine.uid, null, { replaced_by_uid: newTheirs.uid });
    await expectRefused(await push('documents', [pointing, newTheirs]), /belongs to another repository/);
    expect(await stored('documents', [replaced.uid, withTask.uid, newTheirs.uid, pointing.uid])).toEqual([]);
  });

  it('refuses moving a row into a repository its pointer is not in', async () => {
    const task = taskDoc(theirs.uid, { doc_uid: theirDocument.uid });
    expect((await push('tasks', [task])).status).toBe(200);
    const moved = { ...task, repository_uid: mine.uid };
    const response = await t.request('POST', '/api/v1/sync/push', {
      body: { collection: 'tasks', rows: [{ assumed_master_state: task, new_document_state: moved }] },
    });
    await expectRefused(response, /belongs to another repository/);
  });

  it('keeps a row already stored with such a pointer editable, so its client is not stuck', async () => {
    const task = taskDoc(mine.uid);
    expect((await push('tasks', [task])).status).toBe(200);
    // As stored before the check existed.
    await t.database.db.query('UPDATE tasks SET doc_uid = $1 WHERE uid = $2', [theirDocument.uid, task.uid]);
    const before = { ...task, doc_uid: theirDocument.uid };
    const response = await t.request('POST', '/api/v1/sync/push', {
      body: {
        collection: 'tasks',
        rows: [{ assumed_master_state: before, new_document_state: { ...before, title: 'edited' } }],
      },
    });
    expect(await jsonOf(response)).toEqual({ code: 'OK', data: { conflicts: [] } });
  });

  it('keeps pointers within one repository, and to rows the server does not have yet', async () => {
    const task = taskDoc(mine.uid, { doc_uid: myDocument.uid });
    const ahead = taskDoc(mine.uid, { doc_uid: 'not-pushed-yet' });
    const next = documentDoc(mine.uid, task.uid, { replaced_by_uid: myDocument.uid });
    expect((await push('tasks', [task, ahead])).status).toBe(200);
    expect((await push('documents', [next])).status).toBe(200);
    expect(await stored('tasks', [task.uid, ahead.uid])).toHaveLength(2);
  });
});
