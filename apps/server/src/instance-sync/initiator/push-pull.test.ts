// Two real servers (two databases, two loopback ports): push, pull, selection, clear,
// idempotent and incremental re-runs, and the history they leave.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTransaction } from '../../db/database.js';
import { jsonOf } from '../../testing/test-app.js';
import { testDatabaseKinds } from '../../testing/test-database.js';
import { linkPeers, repositoryContent, runSync, seedRepository } from '../../testing/peer-test-kit.js';
import { usePeers, useSeededRepository } from '../../testing/peer-test-kit.js';

describe.each(testDatabaseKinds())('instance sync between two servers on %s', (kind) => {
  const [a, b] = usePeers(kind, {}, {});
  // B has a repository of its own first, so A's ids collide with B's numbers.
  const bOwn = useSeededRepository(b, 'b-own', 3);
  const repo = useSeededRepository(a, 'alpha', 20, 2);
  let remoteRepositoryId: number;

  beforeAll(async () => {
    await linkPeers(a, b);
    // Document versions: the first document of task 1 was replaced by the second.
    await writeTransaction(a.t.database.db, (tx) =>
      tx.query(
        `UPDATE documents SET is_latest = false, replaced_by_uid = (SELECT uid FROM documents WHERE id = $2) WHERE id = $1`,
        [repo.documentIds[0], repo.documentIds[1]],
      ),
    );
  });

  it('pushes a repository, reaches 100%, and never touches an unrelated row with the same number', async () => {
    const bBefore = await repositoryContent(b.t.database.db, bOwn.id);
    const { started, session } = await runSync(a, '/api/sync', {
      target_server: b.base,
      repository_id: repo.id,
    });
    expect(started).toMatchObject({ repository_id: repo.id, total_tasks: 20, status: 'in_progress' });
    expect(session.error).toBeNull();
    expect(session).toMatchObject({
      status: 'completed',
      direction: 'push',
      type: 'manual',
      transport: 'batch',
      total_tasks: 20,
      completed_tasks: 20,
      failed_tasks: 0,
    });
    expect(session.counts).toMatchObject({ total: 60, created: 60, failed: 0 });
    const status = (await jsonOf(await a.t.request('GET', `/api/sync/status/${started.sync_id}`))).data;
    expect(status).toMatchObject({
      progress: 100,
      completed_tasks: 20,
      total_tasks: 20,
      status: 'completed',
    });
    remoteRepositoryId = session.remote_repository_id;
    expect(remoteRepositoryId).not.toBe(bOwn.id);
    expect(await repositoryContent(b.t.database.db, remoteRepositoryId)).toEqual(
      await repositoryContent(a.t.database.db, repo.id),
    );
    expect(await repositoryContent(b.t.database.db, bOwn.id)).toEqual(bBefore);
    const replaced = await b.t.database.db.query(
      `SELECT count(*)::int AS n FROM documents WHERE repository_id = $1 AND replaced_by_uid IS NOT NULL`,
      [remoteRepositoryId],
    );
    expect(replaced[0]!.n).toBe(1);
  });

  it('sends nothing when nothing changed, and only the change after an edit and a delete', async () => {
    const again = await runSync(a, '/api/sync', { target_server: b.base, repository_id: repo.id });
    expect(again.session).toMatchObject({ status: 'completed', incremental: true, total_tasks: 0 });
    expect(again.session.counts.total).toBe(0);

    const db = a.t.database.db;
    await writeTransaction(db, async (tx) => {
      await tx.query(`UPDATE documents SET content = 'edited', updated_at = now() WHERE id = $1`, [
        repo.documentIds[5],
      ]);
      // Not any task's current document, so no task row changes with it.
      await tx.query(`UPDATE documents SET deleted = true, updated_at = now() WHERE id = $1`, [
        repo.documentIds[6],
      ]);
    });
    const edited = await runSync(a, '/api/sync', { target_server: b.base, repository_id: repo.id });
    expect(edited.session.counts).toMatchObject({ updated: 1, deleted: 1, created: 0, failed: 0 });
    expect(
      edited.session.items.filter((item: { entity: string }) => item.entity !== 'repository'),
    ).toHaveLength(2);
    expect(await repositoryContent(b.t.database.db, remoteRepositoryId)).toEqual(
      await repositoryContent(db, repo.id),
    );
  });

  it('re-running a full copy (selection) leaves one copy, updated, not two', async () => {
    const selection = [repo.documentIds[10]!, repo.documentIds[11]!];
    const countRows = async () =>
      (
        await b.t.database.db.query(`SELECT count(*)::int AS n FROM documents WHERE repository_id = $1`, [
          remoteRepositoryId,
        ])
      )[0]!.n;
    const before = await countRows();
    for (let run = 0; run < 2; run++) {
      const { session } = await runSync(a, '/api/sync', {
        target_server: b.base,
        repository_id: repo.id,
        document_ids: selection,
      });
      expect(session.status).toBe('completed');
      expect(session.counts).toMatchObject({ created: 0, failed: 0 });
      expect(session.counts.total).toBe(3); // one task and its two documents
    }
    expect(await countRows()).toBe(before);
  });

  it('copies only the selected documents and their tasks to a fresh repository', async () => {
    const other = await seedRepository(a.t.database.db, 'beta', 5, 2);
    const { session } = await runSync(a, '/api/sync', {
      target_server: b.base,
      repository_id: other.id,
      document_ids: [other.documentIds[0], other.documentIds[9]],
    });
    expect(session).toMatchObject({ status: 'completed', total_tasks: 2 });
    const rows = await b.t.database.db.query(
      `SELECT (SELECT count(*)::int FROM tasks WHERE repository_id = $1) AS tasks, (SELECT count(*)::int FROM documents WHERE repository_id = $1) AS documents`,
      [session.remote_repository_id],
    );
    expect(rows[0]).toEqual({ tasks: 2, documents: 2 });
  });

  it('clear_target removes what the receiver had before copying', async () => {
    await writeTransaction(b.t.database.db, (tx) =>
      tx.query(
        `INSERT INTO documents (uid, repository_id, title) VALUES (gen_random_uuid()::text, $1, 'only on B')`,
        [remoteRepositoryId],
      ),
    );
    const { session } = await runSync(a, '/api/sync', {
      target_server: b.base,
      repository_id: repo.id,
      clear_target: true,
    });
    expect(session).toMatchObject({ status: 'completed', clear: true, incremental: false });
    const onlyOnB = await b.t.database.db.query(`SELECT deleted FROM documents WHERE title = 'only on B'`);
    expect(onlyOnB).toEqual([{ deleted: true }]);
    expect(await repositoryContent(b.t.database.db, remoteRepositoryId)).toEqual(
      await repositoryContent(a.t.database.db, repo.id),
    );
  });

  it('pulls a different repository back, incrementally the second time, and lists the sessions', async () => {
    const remote = (await jsonOf(await a.t.request('GET', `/api/sync/remote/repository-list?target_id=1`)))
      .data;
    expect(remote.map((r: { name: string }) => r.name)).toContain('b-own');
    const documents = (
      await jsonOf(
        await a.t.request('GET', `/api/sync/remote/document-list?target_id=1&repository_id=${bOwn.id}`),
      )
    ).data;
    expect(documents).toHaveLength(3);

    const first = await runSync(a, '/api/sync/pull', { target_server: b.base, repository_id: bOwn.id });
    expect(first.session).toMatchObject({
      status: 'completed',
      direction: 'pull',
      transport: 'paged-export',
      total_tasks: 3,
      completed_tasks: 3,
    });
    const localId = first.session.repository_id;
    expect(await repositoryContent(a.t.database.db, localId)).toEqual(
      await repositoryContent(b.t.database.db, bOwn.id),
    );

    await writeTransaction(b.t.database.db, (tx) =>
      tx.query(`UPDATE documents SET content = 'changed on B' WHERE id = $1`, [bOwn.documentIds[1]]),
    );
    const second = await runSync(a, '/api/sync/pull', { target_server: b.base, repository_id: bOwn.id });
    expect(second.session).toMatchObject({ status: 'completed', incremental: true, repository_id: localId });
    expect(second.session.counts).toMatchObject({ updated: 1, created: 0 });
    expect(await repositoryContent(a.t.database.db, localId)).toEqual(
      await repositoryContent(b.t.database.db, bOwn.id),
    );

    const history = (await jsonOf(await a.t.request('GET', '/api/sync/sessions?limit=50'))).data;
    expect(history.total).toBeGreaterThanOrEqual(9);
    const started = history.items.map((s: { started_at: string }) => s.started_at);
    expect([...started].sort().reverse()).toEqual(started);
    const pulls = (
      await jsonOf(await a.t.request('GET', `/api/sync/sessions?direction=pull&repository_id=${localId}`))
    ).data;
    expect(pulls.items.map((s: { id: string }) => s.id)).toEqual([
      second.started.sync_id,
      first.started.sync_id,
    ]);
  });

  it('pulls a selection, and clear_local first empties the local copy', async () => {
    const pulled = (await jsonOf(await a.t.request('GET', `/api/sync/sessions?direction=pull`))).data
      .items[0];
    const localId = pulled.repository_id;
    await writeTransaction(a.t.database.db, (tx) =>
      tx.query(
        `INSERT INTO documents (uid, repository_id, title) VALUES (gen_random_uuid()::text, $1, 'only on A')`,
        [localId],
      ),
    );
    const selected = await runSync(a, '/api/sync/pull', {
      target_server: b.base,
      repository_id: bOwn.id,
      document_ids: [bOwn.documentIds[0]],
    });
    expect(selected.session).toMatchObject({ status: 'completed', incremental: false, total_tasks: 1 });
    expect(selected.session.counts.total).toBe(2);
    const cleared = await runSync(a, '/api/sync/pull', {
      target_server: b.base,
      repository_id: bOwn.id,
      clear_local: true,
    });
    expect(cleared.session).toMatchObject({ status: 'completed', clear: true, repository_id: localId });
    expect(await a.t.database.db.query(`SELECT deleted FROM documents WHERE title = 'only on A'`)).toEqual([
      { deleted: true },
    ]);
    expect(await repositoryContent(a.t.database.db, localId)).toEqual(
      await repositoryContent(b.t.database.db, bOwn.id),
    );
  });

  it('pushes back what it pulled without making a second copy on the source', async () => {
    const pulled = (await jsonOf(await a.t.request('GET', `/api/sync/sessions?direction=pull`))).data
      .items[0];
    const before = (await b.t.database.db.query(`SELECT count(*)::int AS n FROM documents`))[0]!.n;
    const { session } = await runSync(a, '/api/sync', {
      target_server: b.base,
      repository_id: pulled.repository_id,
      clear_target: false,
    });
    expect(session.status).toBe('completed');
    expect(session.remote_repository_id).toBe(bOwn.id);
    expect((await b.t.database.db.query(`SELECT count(*)::int AS n FROM documents`))[0]!.n).toBe(before);
  });
});
