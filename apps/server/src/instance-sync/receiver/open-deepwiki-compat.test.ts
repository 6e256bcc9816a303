// openDeepWiki's sender's request bodies, hand-written, into our receiver (no token, tokenless
// peers allowed): what the real peer cannot send us, such as malformed bodies. Every flow with
// the real openDeepWiki, in both directions, is in test/instance-sync/open-deepwiki-interop.test.ts.
import { describe, expect, it } from 'vitest';
import { jsonOf } from '../../testing/test-app.js';
import { testDatabaseKinds } from '../../testing/test-database.js';
import { createPeerTokenOn, usePeers } from '../../testing/peer-test-kit.js';

async function post(base: string, endpoint: string, body: unknown, token?: string) {
  const response = await fetch(`${base}/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await jsonOf(response) };
}

/** The bodies openDeepWiki's Go sender writes (gin + gorm field names, ids as it has them). */
function openDeepWikiSequence(title: string) {
  return {
    repository: {
      repository_id: '80',
      name: 'repo-xxx',
      url: 'https://github.com/org/repo-xxx',
      branch: 'main',
      status: 'ready',
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      metadata: {},
    },
    task: {
      task_id: 11,
      repository_id: '80',
      doc_id: 0,
      writer_name: 'overview-writer',
      task_type: 'overview',
      title,
      outline: '',
      status: 'completed',
      run_after: null,
      error_msg: '',
      sort_order: 1,
      started_at: '0001-01-01T00:00:00Z',
      completed_at: '2024-01-01T00:05:00+08:00',
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      metadata: {},
    },
    document: (taskId: number) => ({
      document_id: 21,
      repository_id: '80',
      task_id: taskId,
      document_type: 'overview',
      title: 'Overview',
      filename: 'overview.md',
      content: '文档内容',
      language: 'zh',
      sort_order: 0,
      version: 1,
      is_latest: true,
      replaced_by: 0,
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      metadata: '{"words": 4}',
    }),
  };
}

describe.each(testDatabaseKinds())('openDeepWiki compatibility on %s', (kind) => {
  const [ours] = usePeers(kind, { allowTokenlessFrom: ['127.0.0.1'] });

  async function sendLikeOpenDeepWiki(title: string, token?: string) {
    const sequence = openDeepWikiSequence(title);
    expect(
      (await fetch(`${ours.base}/ping`, { headers: token ? { authorization: `Bearer ${token}` } : {} }))
        .status,
    ).toBe(200);
    const repository = await post(ours.base, 'repository-upsert', sequence.repository, token);
    expect(repository).toMatchObject({ status: 200, json: { code: 'OK', data: { name: 'repo-xxx' } } });
    const task = await post(ours.base, 'task-create', sequence.task, token);
    expect(task.status).toBe(200);
    expect(task.json.data).toMatchObject({ title, repository_id: repository.json.data.repository_id });
    const document = await post(
      ours.base,
      'document-create',
      sequence.document(task.json.data.task_id),
      token,
    );
    expect(document.status).toBe(200);
    expect(document.json.data.task_id).toBe(task.json.data.task_id);
    const link = await post(
      ours.base,
      'task-update-docid',
      { task_id: task.json.data.task_id, document_id: document.json.data.document_id },
      token,
    );
    expect(link).toMatchObject({
      status: 200,
      json: { data: { task_id: task.json.data.task_id, document_id: document.json.data.document_id } },
    });
    return {
      repositoryId: repository.json.data.repository_id as number,
      taskId: task.json.data.task_id as number,
      documentId: document.json.data.document_id as number,
    };
  }

  it('takes the sequence of an openDeepWiki sender without a token, and a second run updates the same rows', async () => {
    const first = await sendLikeOpenDeepWiki('Overview');
    const db = ours.t.database.db;
    const [task] = await db.query(
      `SELECT status, started_at, completed_at, doc_id FROM task_rows WHERE id = $1`,
      [first.taskId],
    );
    expect(task).toMatchObject({ status: 'succeeded', started_at: null, doc_id: first.documentId });
    expect(new Date(task!.completed_at as string).toISOString()).toBe('2023-12-31T16:05:00.000Z');
    const [document] = await db.query(
      `SELECT content, language, metadata, replaced_by_uid FROM documents WHERE id = $1`,
      [first.documentId],
    );
    expect(document).toEqual({
      content: '文档内容',
      language: 'zh',
      metadata: { words: 4 },
      replaced_by_uid: null,
    });

    const second = await sendLikeOpenDeepWiki('Overview, renamed');
    expect(second).toEqual(first);
    const counts = await db.query(
      `SELECT (SELECT count(*)::int FROM tasks) AS tasks, (SELECT count(*)::int FROM documents) AS documents, (SELECT count(*)::int FROM repositories) AS repositories`,
    );
    expect(counts[0]).toEqual({ tasks: 1, documents: 1, repositories: 1 });
    expect((await db.query(`SELECT title FROM tasks`))[0]).toEqual({ title: 'Overview, renamed' });
  });

  it('keeps another sender with the same numbers apart', async () => {
    const token = await createPeerTokenOn(ours, ['receive']);
    const fromOther = await sendLikeOpenDeepWiki('Other sender', token);
    const counts = await ours.t.database.db.query(
      `SELECT (SELECT count(*)::int FROM tasks) AS tasks, (SELECT count(*)::int FROM repositories) AS repositories`,
    );
    expect(counts[0]).toEqual({ tasks: 2, repositories: 2 });
    const titles = await ours.t.database.db.query(`SELECT title FROM tasks ORDER BY id`);
    expect(titles).toEqual([{ title: 'Overview, renamed' }, { title: 'Other sender' }]);
    expect(fromOther.taskId).not.toBe(1);
  });

  it('explains bad bodies with 400 naming the field', async () => {
    const bad = await post(ours.base, 'repository-upsert', { repository_id: 'repo-xxx', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/repository_id/);
    const status = await post(ours.base, 'task-create', {
      ...openDeepWikiSequence('x').task,
      status: 'exploded',
    });
    expect(status.status).toBe(400);
    expect(status.json.error).toMatch(/status: must be one of/);
    const unknown = await post(ours.base, 'task-create', {
      ...openDeepWikiSequence('x').task,
      repository_id: 999,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/repository-upsert/);
    expect((await post(ours.base, 'task-update-docid', { task_id: 1, document_id: 'abc' })).status).toBe(400);
  });
});
