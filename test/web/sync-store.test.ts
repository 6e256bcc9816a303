// useSyncStore against a real server: the web app's Pinia store over RxDB (Dexie on
// fake-indexeddb), as the pages and the sync indicator use it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useSyncStore } from '../../apps/web/src/stores/sync.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { jsonOf, TEST_ADMIN_TOKEN } from '../../apps/server/src/testing/test-app.js';
import { freshTestStorage, useSyncServer, waitUntil } from '../support/sync-client.js';

let sequence = 0;

describe.each(testDatabaseKinds())('useSyncStore on %s', (kind) => {
  const server = useSyncServer(kind);
  let store: ReturnType<typeof useSyncStore>;
  let repository: { id: number; uid: string };

  beforeEach(async () => {
    repository = (
      await jsonOf(await server.app.request('POST', '/api/repositories', { body: { name: 'store-test' } }))
    ).data;
    setActivePinia(createPinia());
    store = useSyncStore();
    await store.startSync({
      name: `store-${++sequence}`,
      storage: freshTestStorage(),
      getToken: () => TEST_ADMIN_TOKEN,
      baseUrl: server.url,
      multiInstance: false,
      retryTime: 200,
    });
  });

  afterEach(async () => {
    await store.stopSync();
  });

  const serverDocument = async (id: number) =>
    (await jsonOf(await server.app.request('GET', `/api/documents/${id}`))).data;

  it('reports synced with the server rows in the replica, then offline with pending edits, then synced again', async () => {
    await waitUntil(() => store.syncStatus === 'synced', 'the first sync');
    expect(store.lastSyncAt).not.toBeNull();
    const local = await store.replicaForTests().collections.repositories.findOne(repository.uid).exec();
    expect(local?.name).toBe('store-test');

    await store.setOnline(false);
    expect(store.syncStatus).toBe('offline');
    const repoDoc = local!.toMutableJSON();
    const created = await store.createDocument(repoDoc, {
      title: 'Written offline',
      content: 'draft',
    });
    await waitUntil(() => store.pendingChanges === 1, 'the edit to count as pending');
    expect(store.syncStatus).toBe('offline');

    await store.setOnline(true);
    await waitUntil(() => store.syncStatus === 'synced' && store.pendingChanges === 0, 'the push');
    const listed = (
      await jsonOf(await server.app.request('GET', `/api/documents?repository_id=${repository.id}`))
    ).data.items;
    expect(listed.map((doc: { uid: string }) => doc.uid)).toContain(created.uid);
  });

  it('records a conflict, opens the dialog and resolves it with the local version', async () => {
    const document = (
      await jsonOf(
        await server.app.request('POST', '/api/documents', {
          body: { repository_id: repository.id, title: 'Shared', content: 'base' },
        }),
      )
    ).data;
    await waitUntil(
      async () => (await store.replicaForTests().collections.documents.findOne(document.uid).exec()) !== null,
      'the document to arrive',
    );
    await store.setOnline(false);
    await store.updateDocument(document.uid, { content: 'local words' });
    await server.app.request('PATCH', `/api/documents/${document.id}`, { body: { content: 'server words' } });

    await store.setOnline(true);
    await waitUntil(() => store.conflicts.length === 1, 'the conflict to be recorded');
    expect(store.syncStatus).toBe('conflict');
    expect(store.conflictDialogOpen).toBe(true);
    const [conflict] = store.conflicts;
    expect(conflict!.local.content).toBe('local words');
    expect(conflict!.server.content).toBe('server words');
    expect(conflict!.base?.content).toBe('base');

    await store.resolveConflict(conflict!.id, 'local');
    await waitUntil(() => store.conflicts.length === 0, 'the conflict to close');
    expect((await serverDocument(document.id)).content).toBe('local words');
    await waitUntil(
      async () =>
        (await store.replicaForTests().collections.documents.findOne(document.uid).exec())?.content ===
        'local words',
      'the replica to hold the resolution',
    );
    await waitUntil(() => store.syncStatus === 'synced', 'everything to settle');
  });
});
