// RxDB storage for the benchmark's Node clients: Dexie over a fresh fake-indexeddb each time.
// (The Chromium clients use real IndexedDB; see browser-entry.ts.)
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';

export const nodeStorage = () => getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange });
