// A browser's storage fills up during a first sync: the collection's pull stops with
// STORAGE_FULL (no retry loop), the rows already written stay readable, the checkpoint stays
// at them, and once space is freed Retry brings every remaining row: none is skipped.
import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { STORAGE_FULL_CODE } from '../../apps/web/src/sync/sync-controller.js';
import { documentDoc, repositoryDoc } from '@wikisync/shared/testing';
import { local, useSyncServer, waitLive, waitUntil } from '../support/sync-client.js';
import { fillingStorage } from '../support/quota-storage.js';

const DOCUMENTS = 40;

describe.each(testDatabaseKinds())('storage full during a first sync on %s', (kind) => {
  const server = useSyncServer(kind);

  it('stops the pull with a message, keeps the replica usable, and resumes on Retry', async () => {
    const writer = await server.open();
    const repo = repositoryDoc({ name: 'wiki' });
    await writer.replica.collections.repositories.insert(local(repo));
    for (let i = 0; i < DOCUMENTS; i++) {
      await writer.replica.collections.documents.insert(
        local(documentDoc(repo.uid, null, { title: `page ${i}`, content: `text ${i}` })),
      );
    }
    await writer.sync.awaitInSync();

    // Room for two pages of five; the third page meets a full disk.
    const disk = fillingStorage('documents', 10);
    const reader = await server.open({ storage: disk.storage, pullBatchSize: 5 });
    const documentsStatus = async () => (await firstValueFrom(reader.sync.status$)).documents;
    await waitUntil(
      async () => (await documentsStatus()).errorCode === STORAGE_FULL_CODE,
      'the documents pull reports a full storage',
    );
    expect((await documentsStatus()).error).toMatch(/full/);
    await waitLive(reader);

    // No loop: more changes on the server and a resync do not make it try again.
    const refusedBefore = disk.refusedWrites;
    await writer.replica.collections.documents.insert(
      local(documentDoc(repo.uid, null, { title: 'one more', content: 'while full' })),
    );
    await writer.sync.awaitInSync();
    reader.sync.resync();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(disk.refusedWrites).toBe(refusedBefore);
    expect((await documentsStatus()).errorCode).toBe(STORAGE_FULL_CODE);

    // The replica stays readable: what fit is there (RxDB may merge pages into one write, so
    // between one page and the room), the rest is not.
    const stored = await reader.replica.collections.documents.find().exec();
    expect(stored.length).toBeGreaterThanOrEqual(5);
    expect(stored.length).toBeLessThanOrEqual(10);
    expect(stored.every((doc) => doc.title.startsWith('page '))).toBe(true);
    expect(await reader.replica.collections.repositories.findOne(repo.uid).exec()).not.toBeNull();

    // Space freed, Retry: every row arrives, including those of the refused page.
    disk.room = Infinity;
    reader.sync.retryAfterStorageFull();
    await waitUntil(
      async () => (await reader.replica.collections.documents.count().exec()) === DOCUMENTS + 1,
      'every document arrives after Retry',
    );
    expect((await documentsStatus()).error).toBeNull();
    const titles = (await reader.replica.collections.documents.find().exec()).map((doc) => doc.title);
    expect(new Set(titles).size).toBe(DOCUMENTS + 1);
  });
});
