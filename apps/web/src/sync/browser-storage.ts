// The replica's storage in the browser: IndexedDB through RxDB's Dexie storage.
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { PendingStore } from './pending-tracker';

export function browserStorage() {
  return getRxStorageDexie();
}

/** One IndexedDB database per server and user, so two people on one browser stay apart. */
export function replicaName(origin: string, userName: string): string {
  const key = `${origin}|${userName}`;
  let hash = 5381;
  for (let i = 0; i < key.length; i++) hash = ((hash * 33) ^ key.charCodeAt(i)) >>> 0;
  // RxDB database names must be lower case letters, digits and a few signs.
  return `wikisync-${hash.toString(36)}`;
}

/**
 * Pending-edit keys in localStorage: they survive a reload (an edit made offline still shows
 * as pending) and reach the other tabs through the `storage` event.
 */
export function localStoragePendingStore(replica: string): PendingStore {
  const key = `${replica}.pending`;
  const read = (raw: string | null): string[] => {
    try {
      const parsed: unknown = JSON.parse(raw ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
    } catch {
      return [];
    }
  };
  return {
    load: () => read(localStorage.getItem(key)),
    save: (keys) => {
      if (keys.length === 0) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(keys));
    },
    subscribe: (onChange) => {
      const listener = (event: StorageEvent) => {
        if (event.key === key) onChange(read(event.newValue));
      };
      window.addEventListener('storage', listener);
      return () => window.removeEventListener('storage', listener);
    },
  };
}
