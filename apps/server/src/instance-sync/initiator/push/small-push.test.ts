// A small push (up to 200 documents) to one of ours is one `batch-upsert`: to a receiver that
// offers the `repository` and `missing_tasks` batch options, that request carries the
// repository and leaves out the unchanged tasks its documents name. A document whose task the
// receiver does not hold (deleted there, or never received) is answered `missing: 'task'` and
// sent again with its task; a receiver without the options gets `repository-upsert` and every
// task, as before; a carried repository the receiver refuses fails the push with its reason.
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_MISSING_TASKS, BATCH_REPOSITORY } from '@wikisync/shared';
import { writeTransaction } from '../../../db/database.js';
import { listen } from '../../../testing/test-app.js';
import { testDatabaseKinds } from '../../../testing/test-database.js';
import {
  callPeer,
  createPeerTokenOn,
  repositoryContent,
  runSync,
  saveTarget,
  seedRepository,
  usePeers,
  type Peer,
} from '../../../testing/peer-test-kit.js';

/** What a stand-in in front of a receiver saw: each endpoint called, and each batch's body. */
interface Seen {
  endpoints: string[];
  batches: {
    repository?: { repository_id: number; name: string };
    missing_tasks?: boolean;
    tasks: { task_id: number }[];
    documents: { document_id: number; task_id: number | null }[];
  }[];
}

/**
 * A stand-in in front of `receiver` that passes every call on and notes it; `hideOptions`
 * leaves the batch options out of the capabilities, as a receiver from before them would.
 */
async function standIn(receiver: Peer, hideOptions = false) {
  const seen: Seen = { endpoints: [], batches: [] };
  const server = await listen(async (request) => {
    const url = new URL(request.url);
    const endpoint = url.pathname.replace(/^\/api\/sync\//, '');
    seen.endpoints.push(endpoint);
    const body = request.method === 'POST' ? Buffer.from(await request.arrayBuffer()) : undefined;
    if (endpoint === 'batch-upsert' && body) seen.batches.push(JSON.parse(body.toString()));
    const headers = new Headers();
    for (const [name, value] of request.headers)
      if (/^(authorization|content-type|content-encoding|x-sync-)/.test(name)) headers.set(name, value);
    const answer = await fetch(`${receiver.base}/${endpoint}${url.search}`, {
      method: request.method,
      headers,
      body,
    });
    const json = (await answer.json()) as { data: { capabilities?: Record<string, unknown> } };
    if (endpoint === 'ping' && hideOptions) delete json.data.capabilities?.batch_options;
    return Response.json(json, { status: answer.status });
  });
  return { base: `${server.url}/api/sync`, seen, close: server.close };
}

describe.each(testDatabaseKinds())('small push on %s', (kind) => {
  const [a, b, c] = usePeers(kind, {}, {}, {});
  let through: Awaited<ReturnType<typeof standIn>>;
  let older: Awaited<ReturnType<typeof standIn>>;
  beforeAll(async () => {
    through = await standIn(b);
    await saveTarget(a, through.base, { token: await createPeerTokenOn(b) });
    older = await standIn(c, true);
    await saveTarget(a, older.base, { token: await createPeerTokenOn(c) });
    return async () => {
      await through.close();
      await older.close();
    };
  });

  const push = (base: string, repositoryId: number) =>
    runSync(a, '/api/sync', { target_server: base, repository_id: repositoryId });
  const edit = (documentIds: readonly number[]) =>
    writeTransaction(a.t.database.db, (tx) =>
      tx.query(
        `UPDATE documents SET content = content || ' edited' WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb->'v')::bigint)`,
        [{ v: documentIds }],
      ),
    );
  const receivedId = async (peer: Peer, name: string) => {
    const [row] = await peer.t.database.db.query<{ id: number }>(
      'SELECT id FROM repositories WHERE name = $1',
      [name],
    );
    return Number(row!.id);
  };

  it('sends a first copy and a re-push as one request carrying the repository, and re-pushes no unchanged task', async () => {
    const repo = await seedRepository(a.t.database.db, 'small-one', 20, 3);
    through.seen.endpoints.length = 0;
    through.seen.batches.length = 0;
    const first = await push(through.base, repo.id);
    expect(first.session).toMatchObject({ status: 'completed', error: null, failed_tasks: 0 });
    expect(first.session.counts.created).toBe(20 + 60);
    expect(first.session.completed_tasks).toBe(first.session.total_tasks);
    expect(through.seen.endpoints.filter((name) => name !== 'ping')).toEqual(['batch-upsert']);
    expect(through.seen.batches[0]).toMatchObject({
      repository: { repository_id: repo.id, name: 'small-one' },
      missing_tasks: true,
    });
    const onB = await receivedId(b, 'small-one');
    expect(await repositoryContent(b.t.database.db, onB)).toEqual(
      await repositoryContent(a.t.database.db, repo.id),
    );

    // Two documents of two tasks edited: one request, both documents, no task.
    through.seen.endpoints.length = 0;
    through.seen.batches.length = 0;
    await edit([repo.documentIds[0]!, repo.documentIds[10]!]);
    const again = await push(through.base, repo.id);
    expect(again.session).toMatchObject({ status: 'completed', error: null, incremental: true });
    expect(again.session.counts).toMatchObject({ updated: 2, total: 2, failed: 0 });
    expect({ total: again.session.total_tasks, completed: again.session.completed_tasks }).toEqual({
      total: 2,
      completed: 2,
    });
    expect(through.seen.endpoints.filter((name) => name !== 'ping')).toEqual(['batch-upsert']);
    expect(through.seen.batches[0]!.tasks).toEqual([]);
    expect(through.seen.batches[0]!.documents.map((row) => row.document_id)).toEqual([
      repo.documentIds[0],
      repo.documentIds[10],
    ]);
    expect(await repositoryContent(b.t.database.db, onB)).toEqual(
      await repositoryContent(a.t.database.db, repo.id),
    );
  });

  it('sends a document again with its task when the receiver deleted that task or lost it', async () => {
    const repo = await seedRepository(a.t.database.db, 'small-two', 6, 2);
    expect((await push(through.base, repo.id)).session.status).toBe('completed');
    const onB = await receivedId(b, 'small-two');
    // On B, someone deleted the first task (its documents stay); its mapping of the second is
    // gone, as after a purge of that row's history.
    const [deletedOnB, lostOnB] = await b.t.database.db.query<{ id: number }>(
      'SELECT id FROM tasks WHERE repository_id = $1 ORDER BY sort_order LIMIT 2',
      [onB],
    );
    await writeTransaction(b.t.database.db, async (tx) => {
      await tx.query('UPDATE tasks SET deleted = true WHERE id = $1', [deletedOnB!.id]);
      await tx.query(`DELETE FROM sync_id_map WHERE entity = 'task' AND local_id = $1`, [lostOnB!.id]);
    });
    const [firstTask, secondTask] = repo.taskIds;
    const documentsOf = async (taskId: number) =>
      (
        await a.t.database.db.query<{ id: number }>(
          'SELECT id FROM documents WHERE task_id = $1 ORDER BY id',
          [taskId],
        )
      ).map((row) => Number(row.id));
    const edited = [(await documentsOf(firstTask!))[0]!, (await documentsOf(secondTask!))[0]!];
    const untouched = (await documentsOf(repo.taskIds[2]!))[0]!;
    await edit([...edited, untouched]);

    through.seen.batches.length = 0;
    const again = await push(through.base, repo.id);
    expect(again.session).toMatchObject({ status: 'completed', error: null, failed_tasks: 0 });
    expect(again.session.counts.failed).toBe(0);
    expect(again.session.completed_tasks).toBe(again.session.total_tasks);
    expect(through.seen.batches).toHaveLength(2);
    expect(through.seen.batches[0]!.tasks).toEqual([]);
    // The second request: the two documents answered missing, with their two tasks.
    expect(through.seen.batches[1]!.repository).toBeUndefined();
    expect(through.seen.batches[1]!.tasks.map((row) => row.task_id).sort()).toEqual(
      [firstTask, secondTask].sort(),
    );
    expect(through.seen.batches[1]!.documents.map((row) => row.document_id).sort()).toEqual(edited.sort());
    // Every document landed once; the deleted task lives again, the lost one was found again
    // by its uid rather than copied twice.
    expect(await repositoryContent(b.t.database.db, onB)).toEqual(
      await repositoryContent(a.t.database.db, repo.id),
    );
    const [counted] = await b.t.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM tasks WHERE repository_id = $1',
      [onB],
    );
    expect(counted!.n).toBe(6);
  });

  it('sends repository-upsert and every task its documents name to a receiver without the batch options', async () => {
    const repo = await seedRepository(a.t.database.db, 'small-three', 5, 2);
    expect((await push(older.base, repo.id)).session.status).toBe('completed');
    await edit([repo.documentIds[0]!]);
    older.seen.endpoints.length = 0;
    older.seen.batches.length = 0;
    const again = await push(older.base, repo.id);
    expect(again.session).toMatchObject({ status: 'completed', error: null });
    expect(again.session.counts).toMatchObject({ updated: 1, total: 1 });
    expect(older.seen.endpoints.filter((name) => name !== 'ping')).toEqual([
      'repository-upsert',
      'batch-upsert',
    ]);
    expect(older.seen.batches[0]!.repository).toBeUndefined();
    expect(older.seen.batches[0]!.tasks.map((row) => row.task_id)).toEqual([repo.taskIds[0]]);
    expect(await repositoryContent(c.t.database.db, await receivedId(c, 'small-three'))).toEqual(
      await repositoryContent(a.t.database.db, repo.id),
    );
  });

  it('reports a changed task the receiver refuses once, and its document once, without sending the task again', async () => {
    const repo = await seedRepository(a.t.database.db, 'small-five', 2, 1);
    // A title longer than the wire takes (1,000 characters): the receiver refuses the task,
    // and so its document, whose task it then does not hold.
    await a.t.database.db.query('UPDATE tasks SET title = $2 WHERE id = $1', [
      repo.taskIds[0],
      'x'.repeat(1001),
    ]);
    through.seen.batches.length = 0;
    const pushed = await push(through.base, repo.id);
    expect(pushed.session.status).toBe('completed');
    expect(pushed.session.error).toMatch(/2 row\(s\) failed/);
    expect(pushed.session.counts).toMatchObject({ failed: 2, created: 2 });
    expect(pushed.session).toMatchObject({ total_tasks: 2, completed_tasks: 1, failed_tasks: 1 });
    expect(through.seen.batches).toHaveLength(2);
    expect(through.seen.batches[1]!.tasks).toEqual([]);
    expect(through.seen.batches[1]!.documents.map((row) => row.document_id)).toEqual([repo.documentIds[0]]);
  });

  it("fails with the receiver's reason when it refuses the carried repository, and writes none of the rows", async () => {
    // A repository on B, made by B's people, and a push from A that names it by uid, with a
    // token scoped to another repository: B refuses it.
    const repo = await seedRepository(a.t.database.db, 'small-four', 3, 2);
    const [source] = await a.t.database.db.query<{ uid: string }>(
      'SELECT uid FROM repositories WHERE id = $1',
      [repo.id],
    );
    const [own] = await b.t.database.db.query<{ id: number }>(
      `INSERT INTO repositories (uid, name, url, status) VALUES ($1, 'theirs', 'https://example.com/theirs', 'ready') RETURNING id`,
      [source!.uid],
    );
    const scoped = await standIn(b);
    try {
      await saveTarget(a, scoped.base, {
        token: await createPeerTokenOn(b, ['receive'], { repositoryIds: [999_999] }),
      });
      const pushed = await push(scoped.base, repo.id);
      expect(pushed.session.status).toBe('failed');
      expect(pushed.session.error).toMatch(/403/);
      expect(scoped.seen.batches[0]?.repository?.repository_id).toBe(repo.id);
      const [rows] = await b.t.database.db.query<{ n: number }>(
        'SELECT (SELECT count(*) FROM tasks WHERE repository_id = $1) + (SELECT count(*) FROM documents WHERE repository_id = $1) AS n',
        [own!.id],
      );
      expect(Number(rows!.n)).toBe(0);
    } finally {
      await scoped.close();
    }
  });
});

describe.each(testDatabaseKinds())('batch-upsert carrying a repository on %s', (kind) => {
  const [b] = usePeers(kind, {});
  let token: string;
  beforeAll(async () => {
    token = await createPeerTokenOn(b);
  });

  it('offers the batch options in its ping', async () => {
    const ping = await callPeer(b.base, '/ping', { token });
    expect(ping.json.data.capabilities.batch_options).toEqual([BATCH_REPOSITORY, BATCH_MISSING_TASKS]);
  });

  it('writes the repository and its rows in one request, and answers what it did with each', async () => {
    const repository = {
      repository_id: 41,
      name: 'carried',
      url: 'https://example.com/carried',
      status: 'ready',
    };
    const first = await callPeer(b.base, '/batch-upsert', {
      token,
      body: {
        repository_id: 41,
        repository,
        missing_tasks: true,
        tasks: [{ task_id: 1, title: 'One', uid: 'carried-task-1' }],
        documents: [
          { document_id: 10, task_id: 1, title: 'Doc', uid: 'carried-doc-10', content: 'x' },
          { document_id: 11, task_id: 2, title: 'Orphan', uid: 'carried-doc-11', content: 'y' },
        ],
      },
    });
    expect(first.status).toBe(200);
    expect(first.json.data.repository).toMatchObject({ name: 'carried', result: 'created' });
    expect(first.json.data.tasks).toMatchObject([{ id: 1, result: 'created' }]);
    expect(first.json.data.documents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 10, result: 'created' }),
        expect.objectContaining({
          id: 11,
          result: 'failed',
          missing: 'task',
          error: 'task_id 2 has not been received; send its task first.',
        }),
      ]),
    );
    const localRepository = first.json.data.repository.repository_id;

    // Task 1 deleted here: a document that names it without carrying it is answered missing
    // under `missing_tasks`; sent again with its task, the task lives again.
    await b.t.database.db.query(`UPDATE tasks SET deleted = true WHERE uid = 'carried-task-1'`);
    const again = await callPeer(b.base, '/batch-upsert', {
      token,
      body: {
        repository_id: 41,
        repository,
        missing_tasks: true,
        documents: [{ document_id: 10, task_id: 1, title: 'Doc', uid: 'carried-doc-10', content: 'x2' }],
      },
    });
    expect(again.status).toBe(200);
    expect(again.json.data.repository).toEqual({
      repository_id: localRepository,
      name: 'carried',
      result: 'unchanged',
    });
    expect(again.json.data.documents).toMatchObject([
      { id: 10, result: 'failed', missing: 'task', error: expect.stringMatching(/task_id 1 is deleted/) },
    ]);
    const withTask = await callPeer(b.base, '/batch-upsert', {
      token,
      body: {
        repository_id: 41,
        tasks: [{ task_id: 1, title: 'One', uid: 'carried-task-1' }],
        documents: [{ document_id: 10, task_id: 1, title: 'Doc', uid: 'carried-doc-10', content: 'x2' }],
      },
    });
    expect(withTask.json.data.tasks).toMatchObject([{ id: 1, result: 'updated' }]);
    expect(withTask.json.data.documents).toMatchObject([{ id: 10, result: 'updated' }]);
    const [task] = await b.t.database.db.query<{ deleted: boolean }>(
      `SELECT deleted FROM tasks WHERE uid = 'carried-task-1'`,
    );
    expect(task!.deleted).toBe(false);
  });

  it('refuses a carried repository that is not the batch’s own, and writes nothing', async () => {
    const refused = await callPeer(b.base, '/batch-upsert', {
      token,
      body: {
        repository_id: 42,
        repository: { repository_id: 43, name: 'other' },
        tasks: [{ task_id: 1, title: 'One', uid: 'refused-task-1' }],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/repository\.repository_id 43 is not the request's repository_id 42/);
    const rows = await b.t.database.db.query(
      `SELECT 1 FROM repositories WHERE name = 'other' UNION ALL SELECT 1 FROM tasks WHERE uid = 'refused-task-1'`,
    );
    expect(rows).toEqual([]);
  });
});
