// One bad row must not stop a collection's replication for everyone who can read it. The
// server now refuses such rows (bounded-input.test.ts), but one can still be in the database:
// stored before the limits, written by SQL, or arriving from a peer. Here two are inserted
// directly (metadata nested 3,000 levels, metadata of 100 KB) between good rows, and a real
// RxDB client over fake-indexeddb must still receive every good row, before and after them,
// park each bad one with its reason, and keep replicating live.
import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import type { ReplicatedDoc } from '@wikisync/shared';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { contents, useSyncServer, waitLive, waitUntil } from '../support/sync-client.js';

const nestedJson = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;

describe.each(testDatabaseKinds())('a replica with one bad row on the server, on %s', (kind) => {
  const server = useSyncServer(kind);

  const push = async (collection: string, docs: ReplicatedDoc[]) => {
    const response = await server.app.request('POST', '/api/v1/sync/push', {
      body: { collection, rows: docs.map((doc) => ({ new_document_state: doc })) },
    });
    expect(response.status).toBe(200);
  };

  /** Inserts a task bypassing the API, as a row stored before the limits would be. */
  const insertDirectly = async (repositoryUid: string, title: string, metadataJson: string) => {
    const [row] = await server.app.database.db.query<{ uid: string }>(
      `INSERT INTO tasks (uid, repository_id, title, metadata)
       SELECT $1, id, $2, $3::text::jsonb FROM repositories WHERE uid = $4 RETURNING uid`,
      [`bad-${title}`, title, metadataJson, repositoryUid],
    );
    return row!.uid;
  };

  it('receives every good row around the bad ones, parks the bad ones, and stays live', async () => {
    const repository = repositoryDoc({ name: 'shared' });
    await push('repositories', [repository]);
    const before = taskDoc(repository.uid, { title: 'before' });
    await push('tasks', [before]);
    const deep = await insertDirectly(repository.uid, 'deep', nestedJson(3_000));
    const big = await insertDirectly(repository.uid, 'big', JSON.stringify({ blob: 'x'.repeat(100_000) }));
    const after = [1, 2, 3].map((n) => taskDoc(repository.uid, { title: `after-${n}` }));
    await push('tasks', after);

    // Two rows a page: one page holds only bad rows, another a bad and a good one.
    const client = await server.open({ pullBatchSize: 2 });
    const titles = async () => (await contents(client, 'tasks')).map((task) => task.title).sort();
    await waitUntil(async () => (await titles()).length === 4, 'the good tasks arrive');
    expect(await titles()).toEqual(['after-1', 'after-2', 'after-3', 'before']);

    await waitUntil(
      async () => (await firstValueFrom(client.sync.skippedRows$)).length === 2,
      'both bad rows are parked',
    );
    const skipped = await firstValueFrom(client.sync.skippedRows$);
    expect(skipped.map((row) => [row.collection_name, row.uid]).sort()).toEqual([
      ['tasks', big],
      ['tasks', deep],
    ]);
    const reasons = Object.fromEntries(skipped.map((row) => [row.uid, row.reason]));
    expect(reasons[deep]).toMatch(/metadata: is nested more than 32 levels/);
    expect(reasons[big]).toMatch(/metadata: is larger than 65536 bytes/);
    const status = await firstValueFrom(client.sync.status$);
    expect(status.tasks.error).toBeNull();

    // Replication goes on: a row written later still arrives, live.
    await waitLive(client, 'stream');
    await push('tasks', [taskDoc(repository.uid, { title: 'live' })]);
    await waitUntil(async () => (await titles()).includes('live'), 'a later task arrives');
  });
});
