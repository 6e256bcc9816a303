// Compatibility with an unmodified openDeepWiki: its sender's exact request sequence into our
// receiver (no token, tokenless peers allowed), and our initiator against a minimal receiver
// and source that answer the way openDeepWiki does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { writeTransaction } from '../db/database.js';
import { jsonOf, listen } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';
import {
  createPeerTokenOn,
  repositoryContent,
  runSync,
  saveTarget,
  seedRepository,
  startPeer,
  type Peer,
} from './peer-test-kit.js';

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
  let ours: Peer;
  beforeAll(async () => {
    ours = await startPeer(kind, { allowTokenlessFrom: ['127.0.0.1'] });
  });
  afterAll(() => ours?.close());

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

/** A receiver and source that behave like openDeepWiki: per-call only, ids as sent, whole exports. */
function openDeepWikiFake() {
  const calls: { endpoint: string; body: Record<string, unknown> }[] = [];
  const tasks = new Map<number, Record<string, unknown>>();
  const documents = new Map<number, Record<string, unknown>>();
  const source = {
    repository: {
      repository_id: 500,
      name: 'odw-repo',
      url: 'https://example.com/odw',
      clone_branch: 'main',
      status: 'completed',
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
    },
    tasks: [501, 502].map((id) => ({
      task_id: id,
      repository_id: 500,
      doc_id: id + 100,
      title: `odw task ${id}`,
      status: 'completed',
      sort_order: id,
    })),
    documents: [601, 602].map((id) => ({
      document_id: id,
      repository_id: 500,
      task_id: id - 100,
      title: `odw doc ${id}`,
      content: `content ${id}`,
      version: 1,
      is_latest: true,
      replaced_by: 0,
    })),
  };
  const app = new Hono().all('/api/sync/*', async (c) => {
    const endpoint = c.req.path.replace('/api/sync/', '');
    const body = c.req.method === 'POST' ? ((await c.req.json()) as Record<string, unknown>) : {};
    calls.push({ endpoint, body });
    const okData = (data: unknown) => c.json({ code: 'OK', data });
    switch (endpoint) {
      case 'ping':
        return okData(null);
      case 'repository-upsert':
        return okData({ repository_id: body.repository_id, name: body.name });
      case 'repository-clear':
        tasks.clear();
        documents.clear();
        return okData({ repository_id: body.repository_id });
      case 'task-create':
        tasks.set(Number(body.task_id), body);
        return okData({ task_id: body.task_id, repository_id: body.repository_id, title: body.title });
      case 'document-create':
        documents.set(Number(body.document_id), body);
        return okData({
          document_id: body.document_id,
          repository_id: body.repository_id,
          task_id: body.task_id,
        });
      case 'task-update-docid':
        tasks.get(Number(body.task_id))!.doc_id = body.document_id;
        return okData(body);
      case 'repository-list':
        return okData([source.repository]);
      case 'pull-export':
        // openDeepWiki ignores paging fields and answers with everything.
        return okData({ repository: source.repository, tasks: source.tasks, documents: source.documents });
      default:
        return c.json({ code: 'NOT_FOUND', error: 'no such endpoint' }, 404);
    }
  });
  return { app, calls, tasks, documents, source };
}

describe.each(testDatabaseKinds())('our initiator against an openDeepWiki peer on %s', (kind) => {
  let ours: Peer;
  let fake: ReturnType<typeof openDeepWikiFake>;
  let server: Awaited<ReturnType<typeof listen>>;
  let base: string;
  beforeAll(async () => {
    ours = await startPeer(kind);
    fake = openDeepWikiFake();
    server = await listen(fake.app.fetch);
    base = `${server.url}/api/sync`;
    await saveTarget(ours, base);
  });
  afterAll(async () => {
    await server?.close();
    await ours?.close();
  });

  it('pushes with the per-call flow in openDeepWiki order, remapping ids to the receiver', async () => {
    const repo = await seedRepository(ours.t.database.db, 'to-odw', 2, 2);
    // Version 1 of task 1's document was replaced by version 2.
    await writeTransaction(ours.t.database.db, (tx) =>
      tx.query(
        `UPDATE documents SET version = CASE WHEN id = $1 THEN 1 ELSE 2 END, is_latest = (id = $2),
                       replaced_by_uid = CASE WHEN id = $1 THEN (SELECT uid FROM documents WHERE id = $2) END
                 WHERE id IN ($1, $2)`,
        [repo.documentIds[0], repo.documentIds[1]],
      ),
    );
    const { session } = await runSync(ours, '/api/sync', {
      target_server: base,
      repository_id: repo.id,
      clear_target: true,
    });
    expect(session).toMatchObject({
      status: 'completed',
      transport: 'per-call',
      completed_tasks: 2,
      failed_tasks: 0,
    });
    expect(fake.calls.map((call) => call.endpoint)).toEqual([
      'ping',
      'repository-upsert',
      'repository-clear',
      'task-create',
      'document-create',
      'document-create',
      'task-update-docid',
      'task-create',
      'document-create',
      'document-create',
      'task-update-docid',
    ]);
    for (const call of fake.calls.filter((each) => !['ping', 'task-update-docid'].includes(each.endpoint)))
      expect(call.body.repository_id).toBe(repo.id);
    const [v2, v1] = fake.calls.filter((call) => call.endpoint === 'document-create').slice(0, 2);
    expect(v2!.body).toMatchObject({
      document_id: repo.documentIds[1],
      version: 2,
      replaced_by: null,
      task_id: repo.taskIds[0],
    });
    expect(v1!.body).toMatchObject({
      document_id: repo.documentIds[0],
      version: 1,
      replaced_by: repo.documentIds[1],
    });
    expect(fake.tasks.get(repo.taskIds[0]!)!.doc_id).toBe(repo.documentIds[1]);

    fake.calls.length = 0;
    await writeTransaction(ours.t.database.db, (tx) =>
      tx.query(`UPDATE documents SET content = 'edited' WHERE id = $1`, [repo.documentIds[3]]),
    );
    const again = await runSync(ours, '/api/sync', { target_server: base, repository_id: repo.id });
    expect(again.session).toMatchObject({ status: 'completed', incremental: true, total_tasks: 1 });
    expect(fake.calls.map((call) => call.endpoint)).toEqual(['ping', 'repository-upsert', 'document-create']);
    expect(fake.calls[2]!.body).toMatchObject({
      document_id: repo.documentIds[3],
      task_id: repo.taskIds[1],
      content: 'edited',
    });
  });

  it('pulls a whole export from an openDeepWiki source, and deletes what the source no longer has', async () => {
    const first = await runSync(ours, '/api/sync/pull', { target_server: base, repository_id: 500 });
    expect(first.session).toMatchObject({
      status: 'completed',
      transport: 'single-export',
      total_tasks: 2,
      completed_tasks: 2,
    });
    const localId = first.session.repository_id;
    const content = await repositoryContent(ours.t.database.db, localId);
    expect(content.tasks.map((task) => [task.title, task.status, task.doc_title])).toEqual([
      ['odw task 501', 'succeeded', 'odw doc 601'],
      ['odw task 502', 'succeeded', 'odw doc 602'],
    ]);
    fake.source.documents.pop();
    const second = await runSync(ours, '/api/sync/pull', { target_server: base, repository_id: 500 });
    expect(second.session.counts).toMatchObject({ deleted: 1, created: 0 });
    expect((await repositoryContent(ours.t.database.db, localId)).documents.map((d) => d.title)).toEqual([
      'odw doc 601',
    ]);
  });
});
