// The storage cleanup after a purge removes deleted rows for good. A local delete is a deleted
// row too, and RxDB pushes from the storage: one the server has not confirmed must survive it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { createReplica, type Replica } from './replica';
import { purgeTombstones, RowPurge } from './dropped-rows';
import type { WireDoc } from './sync-transport';

const open: Replica[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((replica) => replica.close()));
});

const row = repositoryDoc({ name: 'deleted here' });

async function replicaWithDeletedRow(): Promise<Replica> {
  const replica = await createReplica({
    name: 'purge',
    storage: getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }),
    multiInstance: false,
  });
  open.push(replica);
  const { _deleted: _ignored, ...doc } = row;
  await replica.collections.repositories.insert({ ...doc, id: null });
  await (await replica.collections.repositories.findOne(row.uid).exec())!.remove();
  return replica;
}

/** Whether the storage still holds the row, deleted or not. */
async function storedRows(replica: Replica): Promise<number> {
  const instance = replica.collections.repositories.storageInstance;
  return (await instance.findDocumentsById([row.uid], true)).length;
}

describe('purgeTombstones', () => {
  it('keeps a deleted row while a local write of its collection waits for the server', async () => {
    const replica = await replicaWithDeletedRow();
    const collection = replica.collection('repositories');
    expect(await purgeTombstones(collection, () => true)).toBe(false);
    expect(await storedRows(replica)).toBe(1);
  });

  it('removes deleted rows for good once nothing waits', async () => {
    const replica = await replicaWithDeletedRow();
    expect(await purgeTombstones(replica.collection('repositories'), () => false)).toBe(true);
    expect(await storedRows(replica)).toBe(0);
  });
});

describe('RowPurge', () => {
  it('removes tombstones written while an earlier purge of their collection ran', async () => {
    const replica = await createReplica({
      name: 'purge-race',
      storage: getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }),
      multiInstance: false,
    });
    open.push(replica);
    const repositories = [1, 2, 3].map((id) => repositoryDoc({ name: `repository ${id}`, id }));
    for (const { _deleted: _ignored, ...doc } of repositories)
      await replica.collections.repositories.insert(doc);
    const [, second, third] = repositories;
    const tasks = [taskDoc(second!.uid), taskDoc(third!.uid)];
    for (const { _deleted: _ignored, ...doc } of tasks) await replica.collections.tasks.insert(doc);
    let kept = [1, 3];
    const purge = new RowPurge(
      replica,
      () =>
        repositories.map((repository) => ({
          id: repository.id!,
          uid: repository.uid,
          name: repository.name,
          may_write: true,
        })),
      () => kept,
    );
    const collection = replica.collection('tasks');
    /** Stores tombstones as the pull writes them: the rows deleted. */
    const write = async (leaving: WireDoc[]) => {
      for (const state of leaving) await (await collection.findOne(String(state.uid)).exec())!.remove();
    };
    const stored = async () =>
      (
        await collection.storageInstance.findDocumentsById(
          tasks.map((task) => task.uid),
          true,
        )
      ).length;

    // Repository 2 leaves: its tombstone is written, and its purge waits for the round.
    let inSync!: () => void;
    const round = new Promise<void>((resolve) => (inSync = resolve));
    await write(
      await purge.tombstones(
        'tasks',
        () => false,
        100,
        () => round,
        () => false,
      ),
    );
    // Repository 3 leaves while that purge waits; its tombstone is written only after the
    // purge took its time, so that purge leaves it.
    kept = [1];
    const later = await purge.tombstones(
      'tasks',
      () => false,
      100,
      () => round,
      () => false,
    );
    expect(later.map((state) => state.uid)).toEqual([tasks[1]!.uid]);
    inSync();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await write(later);
    // Neither stays in the storage, and no later round would serve the second one again.
    await vi.waitFor(async () => expect(await stored()).toBe(0), { timeout: 2_000, interval: 20 });
  });
});
