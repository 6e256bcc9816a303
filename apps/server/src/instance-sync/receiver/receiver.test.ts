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
});
