// The storage cleanup after a purge removes deleted rows for good. A local delete is a deleted
// row too, and RxDB pushes from the storage: one the server has not confirmed must survive it.
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { repositoryDoc } from '@wikisync/shared/testing';
import { createReplica, type Replica } from './replica';
import { purgeTombstones } from './dropped-rows';

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
