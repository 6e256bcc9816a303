// A first sync reports an exact "n of N": N from the server's status (rows and tombstones of
// what the device keeps), n from the rows written to the replica, ending with n = N.
import { describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import type { FirstSyncProgress } from '../../apps/web/src/sync/first-sync-progress.js';
import { local, useSyncServer, waitUntil } from '../support/sync-client.js';

describe.each(testDatabaseKinds())('first sync progress on %s', (kind) => {
  const server = useSyncServer(kind);

  it('counts rows written against the server total, up to n = N', async () => {
    const writer = await server.open();
    const kept = repositoryDoc({ name: 'kept' });
    const other = repositoryDoc({ name: 'other' });
    for (const repo of [kept, other]) await writer.replica.collections.repositories.insert(local(repo));
    for (let i = 0; i < 23; i++) {
      await writer.replica.collections.documents.insert(
        local(documentDoc(kept.uid, null, { title: `page ${i}`, content: `text ${i}` })),
      );
    }
    for (let i = 0; i < 4; i++) await writer.replica.collections.tasks.insert(local(taskDoc(other.uid)));
    const gone = await writer.replica.collections.documents.findOne().exec();
    await gone!.remove();
    await writer.sync.awaitInSync();

    const reader = await server.open({ pullBatchSize: 5 });
    const seen: FirstSyncProgress[] = [];
    const subscription = reader.sync.firstSyncProgress$.subscribe((value) => value && seen.push(value));
    await waitUntil(async () => seen.at(-1)?.finished === true, 'the first sync finishes');
    subscription.unsubscribe();

    // 2 repositories, 4 tasks, 22 documents and 1 tombstone.
    const last = seen.at(-1)!;
    expect([last.done, last.total]).toEqual([29, 29]);
    expect(last.collections.documents).toEqual({ done: 23, total: 23, finished: true });
    const counted = seen.filter((value) => value.total !== null);
    expect(counted.length).toBeGreaterThan(3);
    for (const [i, value] of counted.entries()) {
      expect(value.done).toBeLessThanOrEqual(value.total!);
      if (i > 0) expect(value.done).toBeGreaterThanOrEqual(counted[i - 1]!.done);
    }
    // What was counted is what the replica holds.
    expect(await reader.replica.collections.documents.count().exec()).toBe(22);
  });

  it('is not over before the device knows which repositories it keeps', async () => {
    const writer = await server.open();
    const repo = repositoryDoc({ name: 'big' });
    await writer.replica.collections.repositories.insert(local(repo));
    for (let i = 0; i < 12; i++) await writer.replica.collections.tasks.insert(local(taskDoc(repo.uid)));
    await writer.sync.awaitInSync();
    const [row] = await server.app.database.db.query<{ id: number }>(
      'SELECT id FROM repositories WHERE uid = $1',
      [repo.uid],
    );

    // A first start: the repositories to keep are named by the server's status, which has not
    // answered yet. Until then the tasks' and documents' pulls fetch nothing.
    let known = false;
    const reader = await server.open({
      pullBatchSize: 5,
      offlineRepositories: () => (known ? [Number(row!.id)] : []),
      selectionKnown: () => known,
    });
    const seen: FirstSyncProgress[] = [];
    const subscription = reader.sync.firstSyncProgress$.subscribe((value) => value && seen.push(value));
    await waitUntil(
      async () => (await reader.replica.collections.repositories.count().exec()) === 1,
      'the repository row arrives',
    );
    await reader.sync.awaitInSync();
    expect(seen.some((value) => value.finished)).toBe(false);
    expect(seen.at(-1)?.collections.tasks.finished).toBe(false);

    known = true;
    reader.sync.resync();
    await waitUntil(async () => seen.at(-1)?.finished === true, 'the first sync finishes');
    subscription.unsubscribe();
    const last = seen.at(-1)!;
    expect([last.done, last.total]).toEqual([13, 13]);
    expect(last.collections.tasks).toEqual({ done: 12, total: 12, finished: true });
    expect(await reader.replica.collections.tasks.count().exec()).toBe(12);
  });

  it('counts only the repositories the device keeps, when it names them', async () => {
    const writer = await server.open();
    const kept = repositoryDoc({ name: 'kept' });
    const other = repositoryDoc({ name: 'other' });
    for (const repo of [kept, other]) await writer.replica.collections.repositories.insert(local(repo));
    for (let i = 0; i < 6; i++) await writer.replica.collections.tasks.insert(local(taskDoc(other.uid)));
    await writer.sync.awaitInSync();
    const [keptRow] = await server.app.database.db.query<{ id: number }>(
      'SELECT id FROM repositories WHERE uid = $1',
      [kept.uid],
    );
    const status = await writer.sync.transport.status([Number(keptRow!.id)]);
    expect(status.collections.tasks).toEqual({ rows: 0, tombstones: 0 });
    expect(status.collections.repositories).toEqual({ rows: 1, tombstones: 0 });
  });
});
