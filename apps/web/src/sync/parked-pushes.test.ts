// Parked pushes live in the replica's IndexedDB: they survive a reload, Retry puts the refused
// state (with the person's fix) back into the collection, and Discard drops it.
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { documentDoc, repositoryDoc } from '@wikisync/shared/testing';
import { createReplica, type Replica } from './replica';
import { ParkedPushes } from './parked-pushes';

const open: Replica[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((replica) => replica.close()));
});

async function openReplica(indexedDB: IDBFactory): Promise<Replica> {
  const replica = await createReplica({
    name: 'parked',
    storage: getRxStorageDexie({ indexedDB, IDBKeyRange }),
    multiInstance: false,
  });
  open.push(replica);
  return replica;
}

const repo = repositoryDoc();
const refused = documentDoc(repo.uid, null, { title: 'long', content: 'a very long text' });
const entry = {
  collection_name: 'documents' as const,
  uid: refused.uid,
  state: refused,
  server_had_row: false,
  code: 'PAYLOAD_TOO_LARGE',
  reason: 'The request body is larger than 1024 bytes; send less data per request.',
};
const rowsOf = (replica: Replica) =>
  new Promise<unknown[]>((resolve) => replica.parkedPushes.rows$.subscribe((rows) => resolve(rows)));

describe('ParkedPushes', () => {
  it('keeps parked edits across a reload', async () => {
    const indexedDB = new IDBFactory();
    const first = await openReplica(indexedDB);
    await first.parkedPushes.park([entry]);
    expect(first.parkedPushes.isParked('documents', refused)).toBe(true);
    expect(first.parkedPushes.isParked('documents', { ...refused, content: 'other' })).toBe(false);
    await first.close();
    open.length = 0;

    const reloaded = await openReplica(indexedDB);
    await expect.poll(() => reloaded.parkedPushes.rows.length).toBe(1);
    expect(reloaded.parkedPushes.rows[0]).toMatchObject({ ...entry, parked_at: expect.any(String) });
    expect(reloaded.parkedPushes.isUnsentNewRow('documents', refused.uid)).toBe(true);
  });

  it('Retry writes the refused state with the fix back, newly stamped, and unparks it', async () => {
    const replica = await openReplica(new IDBFactory());
    const { _deleted, ...stored } = { ...refused, content: 'what the replica shows' };
    await replica.collections.documents.insert(stored);
    await replica.parkedPushes.park([entry]);
    await replica.parkedPushes.retry('documents', refused.uid, { content: 'shorter' });
    const row = (await replica.collections.documents.findOne(refused.uid).exec())!.toJSON();
    expect(row).toMatchObject({ title: 'long', content: 'shorter' });
    expect(row.updated_at > refused.updated_at).toBe(true);
    expect(await rowsOf(replica)).toEqual([]);
    // Still new to the server until a push of it succeeds.
    expect(replica.parkedPushes.isUnsentNewRow('documents', refused.uid)).toBe(true);
    await replica.parkedPushes.confirmSent('documents', [refused.uid]);
    expect(replica.parkedPushes.isUnsentNewRow('documents', refused.uid)).toBe(false);
  });

  it('is seen by every reader of the replica, as the tabs of one browser are', async () => {
    const replica = await openReplica(new IDBFactory());
    const otherTab = new ParkedPushes(replica.database);
    await replica.parkedPushes.park([entry]);
    await expect.poll(() => otherTab.rows.map((row) => row.uid)).toEqual([refused.uid]);
    expect(otherTab.isUnsentNewRow('documents', refused.uid)).toBe(true);
  });

  it('Discard drops only the one entry', async () => {
    const replica = await openReplica(new IDBFactory());
    const other = documentDoc(repo.uid, null, { title: 'other' });
    await replica.parkedPushes.park([entry, { ...entry, uid: other.uid, state: other }]);
    await replica.parkedPushes.discard('documents', refused.uid);
    expect(replica.parkedPushes.rows.map((row) => row.uid)).toEqual([other.uid]);
  });
});
