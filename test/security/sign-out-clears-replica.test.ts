// @vitest-environment jsdom
// Sign-out leaves nothing in the browser: the offline replica (every IndexedDB database
// RxDB made for it) and its record of pending edits are deleted, so the next person at a
// shared computer cannot read the last one's repositories and documents. Unsynced edits are
// never dropped silently: the person is asked, and "stay signed in" keeps everything.
// Runs the web app's own stores over Dexie on fake-indexeddb against a real server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { IDBFactory } from 'fake-indexeddb';
import { useAuthStore } from '../../apps/web/src/stores/auth.js';
import { useSyncStore } from '../../apps/web/src/stores/sync.js';
import { useSignOut } from '../../apps/web/src/composables/use-sign-out.js';
import { localStoragePendingStore } from '../../apps/web/src/sync/browser-storage.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { jsonOf, TEST_ADMIN_TOKEN } from '../../apps/server/src/testing/test-app.js';
import { freshTestStorage, useSyncServer, waitUntil } from '../support/sync-client.js';

let sequence = 0;

describe.each(testDatabaseKinds())('signing out on %s', (kind) => {
  const server = useSyncServer(kind);
  let indexedDB: IDBFactory;
  let name: string;
  let questions: string[];
  let answer: boolean;
  let sync: ReturnType<typeof useSyncStore>;
  let auth: ReturnType<typeof useAuthStore>;
  let signOut: () => Promise<boolean>;

  /** Rows left in all of the replica's IndexedDB databases (RxDB's Dexie storage keeps the
   * emptied databases themselves; what matters is that none of their data can be read). */
  const rowsLeft = async () => {
    let rows = 0;
    for (const { name: database } of await indexedDB.databases()) {
      if (!database?.includes(name)) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(database);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of db.objectStoreNames) {
        rows += await new Promise<number>((resolve, reject) => {
          const request = db.transaction(store, 'readonly').objectStore(store).count();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      }
      db.close();
    }
    return rows;
  };

  beforeEach(async () => {
    await server.app.request('POST', '/api/repositories', { body: { name: 'private notes' } });
    localStorage.clear();
    localStorage.setItem('wikisync.token', TEST_ADMIN_TOKEN);
    localStorage.setItem('wikisync.token.user', 'admin');
    setActivePinia(createPinia());
    auth = useAuthStore();
    sync = useSyncStore();
    questions = [];
    answer = true;
    signOut = useSignOut((question) => {
      questions.push(question);
      return answer;
    });
    indexedDB = new IDBFactory();
    name = `signout-${++sequence}`;
    await sync.startSync({
      name,
      storage: freshTestStorage(indexedDB),
      pendingStore: localStoragePendingStore(name),
      getToken: () => auth.token,
      baseUrl: server.url,
      multiInstance: false,
      retryTime: 200,
    });
    await waitUntil(() => sync.syncStatus === 'synced', 'the first sync');
  });

  afterEach(async () => {
    await sync.stopSync();
  });

  it('deletes the replica from IndexedDB when nothing is pending, without asking', async () => {
    expect(await sync.replicaForTests().collections.repositories.count().exec()).toBe(1);
    expect(await rowsLeft()).toBeGreaterThan(0);

    expect(await signOut()).toBe(true);
    expect(questions).toEqual([]);
    expect(auth.signedIn).toBe(false);
    expect(localStorage.getItem('wikisync.token')).toBeNull();
    expect(await rowsLeft()).toBe(0);
  });

  it('asks before discarding unsynced edits, and staying signed in keeps them', async () => {
    await sync.setOnline(false);
    const repository = (await sync
      .replicaForTests()
      .collections.repositories.findOne()
      .exec())!.toMutableJSON();
    await sync.createDocument(repository, { title: 'Draft', content: 'not sent yet' });
    await waitUntil(() => sync.pendingChanges === 1, 'the edit to count as pending');

    answer = false;
    expect(await signOut()).toBe(false);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(/^1 edit is not yet on the server/);
    expect(questions[0]).toMatch(/sign out and discard them/);
    expect(questions[0]).toMatch(/stay signed in/);
    expect(auth.signedIn).toBe(true);
    expect(await sync.replicaForTests().collections.documents.count().exec()).toBe(1);

    answer = true;
    expect(await signOut()).toBe(true);
    expect(auth.signedIn).toBe(false);
    expect(await rowsLeft()).toBe(0);
    expect(localStorage.getItem(`${name}.pending`)).toBeNull();
    const onServer = (await jsonOf(await server.app.request('GET', '/api/documents'))).data.items;
    expect(onServer).toEqual([]);
  });
});
