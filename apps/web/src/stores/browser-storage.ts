// useBrowserStorageStore: what the browser says about this site's storage, for the sync
// indicator: whether it keeps the replica under storage pressure (persist), and the space
// used out of the space allowed (estimate). The asking lives in sync/storage-persistence.ts,
// so code outside Vue (a "keep offline" toggle's action) can ask too; this store listens.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import {
  estimateStorage,
  persistence$,
  requestPersistentStorage,
  type Persistence,
  type StorageEstimateFacts,
} from '../sync/storage-persistence';

export const useBrowserStorageStore = defineStore('browser-storage', () => {
  const persistence = ref<Persistence | null>(persistence$.value);
  const estimate = ref<StorageEstimateFacts | null>(null);
  persistence$.subscribe((answer) => (persistence.value = answer));

  /** Reads the space used again (after a sync, when the details open). */
  async function refreshEstimate(): Promise<void> {
    estimate.value = await estimateStorage();
  }

  /** Asks for persistent storage (once per page load) and reads the space used. */
  async function requestPersistence(): Promise<Persistence> {
    const answer = await requestPersistentStorage();
    await refreshEstimate();
    return answer;
  }

  return { persistence, estimate, refreshEstimate, requestPersistence };
});
