// The receiver's batch endpoint: one bad row fails alone, references resolve through the
// sender's ids, gzip bodies decode, and links land once their rows have arrived.
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNC_HEADERS } from '@wikisync/shared';
import { jsonOf, useTestApp, TEST_ADMIN_TOKEN } from '../../testing/test-app.js';
import { testDatabaseKinds } from '../../testing/test-database.js';
import { fastSyncConfig } from '../../testing/peer-test-kit.js';

describe.each(testDatabaseKinds())('batch-upsert receiver on %s', (kind) => {
  const t = useTestApp(kind, { sync: fastSyncConfig() });
  const send = (endpoint: string, body: unknown, instance = 'sender-one') =>
    t.app.request(`/api/sync/${endpoint}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
        'content-type': 'application/json',
        [SYNC_HEADERS.instance]: instance,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    expect((await send('repository-upsert', { repository_id: 5, name: 'batched' })).status).toBe(200);
  });

  it('stores good rows and reports each bad row with its reason', async () => {
    const answer = await jsonOf(
      await send('batch-upsert', {
        repository_id: '5',
        tasks: [
          { task_id: 1, title: 'one', status: 'succeeded' },
          { task_id: 2, title: 'two', status: 'nonsense' },
          { task_id: '3', title: 'three' },
        ],
        documents: [
          { document_id: 10, task_id: 1, title: 'doc one', content: 'a' },
          { document_id: 11, task_id: 2, title: 'doc of the bad task' },
          { document_id: 12, task_id: 3, title: 'doc three', version: 0 },
        ],
      }),
    );
    expect(answer.data.tasks.map((row: { id: number; result: string }) => [row.id, row.result])).toEqual([
      [2, 'failed'],
      [1, 'created'],
      [3, 'created'],
    ]);
    expect(answer.data.tasks[0].error).toMatch(/status/);
    const documents = Object.fromEntries(
      answer.data.documents.map((row: { id: number; result: string; error?: string }) => [row.id, row]),
    );
    expect(documents[10]).toMatchObject({ result: 'created' });
    expect(documents[11]).toMatchObject({
      result: 'failed',
      error: expect.stringMatching(/send its task first/),
    });
    expect(documents[12]).toMatchObject({ result: 'failed', error: expect.stringMatching(/version/) });
  });

  it('links tasks to documents by the sender ids, and takes gzip bodies', async () => {
    const body = gzipSync(
      Buffer.from(
        JSON.stringify({
          repository_id: 5,
          links: {
            tasks: [
              { task_id: 1, doc_id: 10 },
              { task_id: 3, doc_id: 99 },
            ],
          },
        }),
      ),
    );
    const response = await t.app.request('/api/sync/batch-upsert', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        [SYNC_HEADERS.instance]: 'sender-one',
      },
      body,
    });
    expect((await jsonOf(response)).data.links).toEqual({ applied: 1, missing: 1 });
    const rows = await t.database.db.query(
      `SELECT t.title, d.title AS doc FROM task_rows t JOIN documents d ON d.id = t.doc_id`,
    );
    expect(rows).toEqual([{ title: 'one', doc: 'doc one' }]);
  });

  it('leaves another sender with the same ids alone, and refuses its references to rows it did not send', async () => {
    const other = await jsonOf(
      await send('batch-upsert', { repository_id: 5, tasks: [{ task_id: 1, title: 'x' }] }, 'sender-two'),
    );
    expect(other.code).toBe('NOT_FOUND');
    await send('repository-upsert', { repository_id: 5, name: 'theirs' }, 'sender-two');
    const created = await jsonOf(
      await send('batch-upsert', { repository_id: 5, tasks: [{ task_id: 1, title: 'x' }] }, 'sender-two'),
    );
    expect(created.data.tasks[0].result).toBe('created');
    expect(
      (await t.database.db.query(`SELECT title FROM tasks ORDER BY id`)).map((row) => row.title),
    ).toEqual(['one', 'three', 'x']);
    const hijack = await send('task-update-docid', { task_id: 1, document_id: 1 }, 'sender-two');
    expect(hijack.status).toBe(404);
  });

  it('carries deletions: a tombstone deletes a row it sent and clears the task pointing at it', async () => {
    const answer = await jsonOf(
      await send('batch-upsert', {
        repository_id: 5,
        documents: [
          { document_id: 10, task_id: 1, deleted: true },
          { document_id: 77, deleted: true },
        ],
      }),
    );
    expect(answer.data.documents.map((row: { result: string }) => row.result)).toEqual([
      'deleted',
      'skipped',
    ]);
    const [task] = await t.database.db.query(`SELECT doc_uid FROM tasks WHERE title = 'one'`);
    expect(task).toEqual({ doc_uid: null });
  });

  describe('a task row that carries its document by uid (doc_uid)', () => {
    const taskDoc = async (title: string) => {
      const [row] = await t.database.db.query<{ doc_uid: string | null; repository_id: number }>(
        `SELECT doc_uid, repository_id FROM tasks WHERE title = $1`,
        [title],
      );
      return row!;
    };
    const documentUid = async (title: string) => {
      const [row] = await t.database.db.query<{ uid: string; repository_id: number }>(
        `SELECT uid, repository_id FROM documents WHERE title = $1`,
        [title],
      );
      return row!;
    };
    /** A document of another repository here, holding `uid`. */
    const elsewhere = async (uid: string) => {
      const [repository] = await t.database.db.query<{ id: number }>(
        `INSERT INTO repositories (uid, name) VALUES ($1, 'elsewhere') RETURNING id`,
        [`repo-of-${uid}`],
      );
      await t.database.db.query(`INSERT INTO documents (uid, repository_id, title) VALUES ($1, $2, $3)`, [
        uid,
        repository!.id,
        `foreign ${uid}`,
      ]);
    };
    const ok = async (body: unknown) => {
      const answer = await send('batch-upsert', { repository_id: 5, ...(body as object) });
      expect(answer.status).toBe(200);
      return (await jsonOf(answer)).data;
    };

    it('is set as the task is written, before the document arrives, and the document takes it', async () => {
      await ok({ tasks: [{ task_id: 31, title: 'uid task', doc_uid: 'uid-doc-31', doc_id: 131 }] });
      expect((await taskDoc('uid task')).doc_uid).toBe('uid-doc-31');
      await ok({ documents: [{ document_id: 131, task_id: 31, uid: 'uid-doc-31', title: 'uid doc' }] });
      const document = await documentUid('uid doc');
      expect(document.uid).toBe('uid-doc-31');
      expect(await taskDoc('uid task')).toEqual({
        doc_uid: 'uid-doc-31',
        repository_id: document.repository_id,
      });
      expect(
        await t.database.db.query(`SELECT 1 FROM sync_pending_links WHERE field = 'doc' AND remote_id = 131`),
      ).toEqual([]);
      // Sent again without a document: cleared. Sent without the field: left alone.
      await ok({ tasks: [{ task_id: 31, title: 'uid task', doc_uid: null, doc_id: 0 }] });
      expect((await taskDoc('uid task')).doc_uid).toBeNull();
      await ok({ tasks: [{ task_id: 31, title: 'uid task', doc_uid: 'uid-doc-31', doc_id: 131 }] });
      await ok({ tasks: [{ task_id: 31, title: 'uid task', status: 'failed' }] });
      expect((await taskDoc('uid task')).doc_uid).toBe('uid-doc-31');
    });

    it('never points into another repository that holds the uid: the document is linked as it arrives', async () => {
      await elsewhere('taken-doc-32');
      await ok({ tasks: [{ task_id: 32, title: 'taken task', doc_uid: 'taken-doc-32', doc_id: 132 }] });
      expect((await taskDoc('taken task')).doc_uid).toBeNull();
      await ok({ documents: [{ document_id: 132, task_id: 32, uid: 'taken-doc-32', title: 'taken doc' }] });
      const document = await documentUid('taken doc');
      expect(document.uid).not.toBe('taken-doc-32');
      expect((await taskDoc('taken task')).doc_uid).toBe(document.uid);
      // A later copy of the task names it by the uid it has here, not the sender's.
      await ok({ tasks: [{ task_id: 32, title: 'taken task', doc_uid: 'taken-doc-32', doc_id: 132 }] });
      expect((await taskDoc('taken task')).doc_uid).toBe(document.uid);
    });

    it('is renamed when the uid is taken elsewhere before the document arrives', async () => {
      await ok({ tasks: [{ task_id: 33, title: 'late task', doc_uid: 'late-doc-33', doc_id: 133 }] });
      expect((await taskDoc('late task')).doc_uid).toBe('late-doc-33');
      await elsewhere('late-doc-33');
      await ok({ documents: [{ document_id: 133, task_id: 33, uid: 'late-doc-33', title: 'late doc' }] });
      const document = await documentUid('late doc');
      expect(document.uid).not.toBe('late-doc-33');
      expect((await taskDoc('late task')).doc_uid).toBe(document.uid);
    });

    it("sets a document's newer version the same way: by uid ahead of it, by id where the uid is taken", async () => {
      const newer = async (title: string) => {
        const [row] = await t.database.db.query<{ sent: string | null; uid: string | null }>(
          `SELECT d.replaced_by_uid AS sent, r.uid FROM documents d
             LEFT JOIN documents r ON r.uid = d.replaced_by_uid AND r.repository_id = d.repository_id
            WHERE d.title = $1`,
          [title],
        );
        return row!;
      };
      const version = (id: number, title: string, extra: Record<string, unknown> = {}) => ({
        document_id: id,
        task_id: 0,
        title,
        ...extra,
      });
      // Ahead of its newer version, which then arrives with the uid; no link waits for it.
      await ok({ documents: [version(51, 'v1', { replaced_by: 52, replaced_by_uid: 'v2-52' })] });
      expect((await newer('v1')).sent).toBe('v2-52');
      await ok({ documents: [version(52, 'v2', { uid: 'v2-52' })] });
      expect(await newer('v1')).toEqual({ sent: 'v2-52', uid: 'v2-52' });
      expect(
        await t.database.db.query(
          `SELECT 1 FROM sync_pending_links WHERE field = 'replaced_by' AND remote_id = 52`,
        ),
      ).toEqual([]);
      // Its uid held by another repository: linked by id, to the copy made here.
      await elsewhere('held-54');
      await ok({ documents: [version(53, 'v3', { replaced_by: 54, replaced_by_uid: 'held-54' })] });
      expect((await newer('v3')).sent).toBeNull();
      await ok({ documents: [version(54, 'v4', { uid: 'held-54' })] });
      const held = await documentUid('v4');
      expect(held.uid).not.toBe('held-54');
      expect((await newer('v3')).uid).toBe(held.uid);
      // Taken after the reference was written: renamed when the newer version arrives.
      await ok({ documents: [version(55, 'v5', { replaced_by: 56, replaced_by_uid: 'late-56' })] });
      await elsewhere('late-56');
      await ok({ documents: [version(56, 'v6', { uid: 'late-56' })] });
      const late = await documentUid('v6');
      expect(late.uid).not.toBe('late-56');
      expect((await newer('v5')).uid).toBe(late.uid);
      // In one request with its newer version: the uid the newer one has here.
      await ok({
        documents: [
          version(57, 'v7', { replaced_by: 58, replaced_by_uid: 'same-58' }),
          version(58, 'v8', { uid: 'same-58' }),
        ],
      });
      expect((await newer('v7')).uid).toBe('same-58');
      // Sent without the field: left alone. Sent as none: cleared.
      await ok({ documents: [version(51, 'v1', { language: 'en' })] });
      expect((await newer('v1')).uid).toBe('v2-52');
      await ok({ documents: [version(51, 'v1', { replaced_by: 0, replaced_by_uid: null })] });
      expect(await newer('v1')).toEqual({ sent: null, uid: null });
    });

    it('sets the task it runs after the same way: by uid ahead of it, by id where the uid is taken', async () => {
      const runAfter = async (title: string) => {
        const [row] = await t.database.db.query<{ uid: string | null }>(
          `SELECT a.uid FROM tasks t LEFT JOIN tasks a ON a.uid = t.run_after_uid WHERE t.title = $1`,
          [title],
        );
        return row!.uid;
      };
      const foreignTask = async (uid: string) => {
        const [repository] = await t.database.db.query<{ id: number }>(
          `INSERT INTO repositories (uid, name) VALUES ($1, 'elsewhere') RETURNING id`,
          [`repo-of-${uid}`],
        );
        await t.database.db.query(
          `INSERT INTO tasks (uid, repository_id, title) VALUES ($1, $2, 'foreign')`,
          [uid, repository!.id],
        );
      };
      // Ahead of its target, which then arrives with the uid.
      await ok({ tasks: [{ task_id: 41, title: 'waits', run_after: 42, run_after_uid: 'first-42' }] });
      const [early] = await t.database.db.query<{ run_after_uid: string }>(
        `SELECT run_after_uid FROM tasks WHERE title = 'waits'`,
      );
      expect(early!.run_after_uid).toBe('first-42');
      await ok({ tasks: [{ task_id: 42, title: 'first', uid: 'first-42' }] });
      expect(await runAfter('waits')).toBe('first-42');
      // Its uid held by another repository: linked by id, to the copy made here.
      await foreignTask('held-44');
      await ok({ tasks: [{ task_id: 43, title: 'waits too', run_after: 44, run_after_uid: 'held-44' }] });
      const [waiting] = await t.database.db.query<{ run_after_uid: string | null }>(
        `SELECT run_after_uid FROM tasks WHERE title = 'waits too'`,
      );
      expect(waiting!.run_after_uid).toBeNull();
      await ok({ tasks: [{ task_id: 44, title: 'held first', uid: 'held-44' }] });
      const [held] = await t.database.db.query<{ uid: string; repository_id: number }>(
        `SELECT uid, repository_id FROM tasks WHERE title = 'held first'`,
      );
      expect(held!.uid).not.toBe('held-44');
      expect(await runAfter('waits too')).toBe(held!.uid);
      // Taken after the reference was written: renamed when the target arrives.
      await ok({ tasks: [{ task_id: 45, title: 'waits late', run_after: 46, run_after_uid: 'late-46' }] });
      await foreignTask('late-46');
      await ok({ tasks: [{ task_id: 46, title: 'late first', uid: 'late-46' }] });
      const [late] = await t.database.db.query<{ uid: string }>(
        `SELECT uid FROM tasks WHERE title = 'late first'`,
      );
      expect(late!.uid).not.toBe('late-46');
      expect(await runAfter('waits late')).toBe(late!.uid);
      // Sent as none: cleared.
      await ok({ tasks: [{ task_id: 41, title: 'waits', run_after: 0, run_after_uid: null }] });
      expect(await runAfter('waits')).toBeNull();
    });
  });
});
