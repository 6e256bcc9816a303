// Live rows on a real replica (RxDB over fake-indexeddb): what a page reads while a sync
// writes page after page of rows into the same collection.
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { taskDoc } from '@wikisync/shared/testing';
import { createReplica, type Replica } from './replica';
import { liveRows } from './live-rows';
import type { TaskDoc } from './collection-schemas';

const storedTask = (repositoryUid: string, title: string) => {
  const { _deleted: _live, ...row } = taskDoc(repositoryUid, { title });
  return row as unknown as TaskDoc;
};

describe('live rows of a query', () => {
  let replica: Replica | undefined;
  afterEach(async () => {
    await replica?.close();
    replica = undefined;
  });

  async function openReplica() {
    replica = await createReplica({
      name: `live-rows-${Date.now()}-${Math.random()}`,
      storage: wrappedValidateAjvStorage({
        storage: getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }),
      }),
      multiInstance: false,
    });
    return replica;
  }

  it('shows rows stored so far while later pages are still being written', async () => {
    const { collections } = await openReplica();
    const seen: number[] = [];
    const subscription = liveRows<TaskDoc>(
      collections.tasks.find({ selector: { repository_uid: 'r1' } }),
    ).subscribe((rows) => seen.push(rows.length));
    // Pages of 200 rows written back to back, as a first sync writes them: a write always
    // runs, so a query that starts over on every write would answer only after the last.
    const PAGES = 15;
    const shownWhileWriting: number[] = [];
    for (let page = 0; page < PAGES; page++) {
      await collections.tasks.bulkInsert(
        Array.from({ length: 200 }, (_, n) => storedTask('r1', `task ${page * 200 + n}`)),
      );
      shownWhileWriting.push(seen.at(-1) ?? 0);
    }
    await expect.poll(() => seen.at(-1)).toBe(PAGES * 200);
    subscription.unsubscribe();
    // Rows showed before the last page was written, and the count only grew.
    expect(shownWhileWriting.slice(0, -1).some((count) => count > 0)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('follows inserts, changes and deletions of matching rows only, in the query order', async () => {
    const { collections } = await openReplica();
    await collections.tasks.bulkInsert([storedTask('r1', 'kept'), storedTask('r2', 'other repository')]);
    let latest: TaskDoc[] = [];
    const subscription = liveRows<TaskDoc>(
      collections.tasks.find({ selector: { repository_uid: 'r1' }, sort: [{ title: 'asc' }] }),
    ).subscribe((rows) => (latest = rows));
    await expect.poll(() => latest.map((row) => row.title)).toEqual(['kept']);
    // Plain rows, as pages get them: none of RxDB's own fields.
    expect(Object.keys(latest[0]!).filter((key) => key.startsWith('_'))).toEqual([]);

    const added = await collections.tasks.insert(storedTask('r1', 'added'));
    await expect.poll(() => latest.map((row) => row.title)).toEqual(['added', 'kept']);
    await added.incrementalPatch({ title: 'z renamed' });
    await expect.poll(() => latest.map((row) => row.title)).toEqual(['kept', 'z renamed']);
    await added.incrementalPatch({ repository_uid: 'r2' });
    await expect.poll(() => latest.map((row) => row.title)).toEqual(['kept']);
    const kept = await collections.tasks.findOne({ selector: { title: 'kept' } }).exec(true);
    await kept.remove();
    await expect.poll(() => latest).toEqual([]);
    subscription.unsubscribe();
  });

  it('gives one row for findOne, and the next match when that one goes', async () => {
    const { collections } = await openReplica();
    const first = storedTask('r1', 'a first');
    await collections.tasks.bulkInsert([first, storedTask('r1', 'b second')]);
    let latest: TaskDoc[] | null = null;
    const subscription = liveRows<TaskDoc>(
      collections.tasks.findOne({ selector: { repository_uid: 'r1' }, sort: [{ title: 'asc' }] }),
    ).subscribe((rows) => (latest = rows));
    await expect.poll(() => latest?.map((row) => row.title)).toEqual(['a first']);
    await (await collections.tasks.findOne(first.uid).exec(true)).remove();
    await expect.poll(() => latest?.map((row) => row.title)).toEqual(['b second']);
    subscription.unsubscribe();
  });
});
