// What the sync store knows of the repositories kept offline: the server's list of readable
// repositories (fresh: heard in this run; cached: the last one, for a start without network)
// and the person's per-device choice (sync/offline-choice.ts). Replication reads `keptIds` and
// `freshReadable` at every pull; only a fresh list may purge rows (sync/dropped-rows.ts).
import { ref, shallowRef } from 'vue';
import type { ReadableRepository } from '@wikisync/shared';
import { DEFAULT_OFFLINE_LIMIT, OfflineChoice, type ChoiceStorage } from '../sync/offline-choice';

/** localStorage where there is one, else memory (tests, storage disabled). */
function defaultStorage(): ChoiceStorage {
  if (typeof localStorage !== 'undefined') return localStorage;
  const memory = new Map<string, string>();
  return { getItem: (key) => memory.get(key) ?? null, setItem: (key, value) => void memory.set(key, value) };
}

export function createOfflineSelection(replica: string, storage: ChoiceStorage = defaultStorage()) {
  const cacheKey = `${replica}.readable`;
  const limitKey = `${replica}.offline-limit`;
  /** The server's OFFLINE_ALL_UP_TO, as last heard (older servers do not send it). */
  const stored = Number(storage.getItem(limitKey) ?? Number.NaN);
  const limit = ref(Number.isInteger(stored) && stored >= 0 ? stored : DEFAULT_OFFLINE_LIMIT);
  const choice = () => new OfflineChoice(storage, replica, limit.value);
  const readCache = (): ReadableRepository[] | null => {
    try {
      const parsed: unknown = JSON.parse(storage.getItem(cacheKey) ?? 'null');
      return Array.isArray(parsed) ? (parsed as ReadableRepository[]) : null;
    } catch {
      return null;
    }
  };
  /** Heard from the server in this run; null until then. */
  const fresh = shallowRef<ReadableRepository[] | null>(null);
  const known = shallowRef<ReadableRepository[] | null>(readCache());
  /** Bumped on every choice, so views reading `isKept` update. */
  const version = ref(0);

  function setReadable(list: ReadableRepository[], allUpTo?: number): void {
    if (allUpTo !== undefined) {
      limit.value = allUpTo;
      storage.setItem(limitKey, String(allUpTo));
    }
    fresh.value = list;
    known.value = list;
    storage.setItem(cacheKey, JSON.stringify(list));
  }

  return {
    fresh,
    known,
    version,
    setReadable,
    /** An access event: keep those of the known list still readable until the status comes. */
    narrowTo(ids: readonly number[]): void {
      setReadable((known.value ?? []).filter((repository) => ids.includes(repository.id)));
    },
    /** Ids to pull; nothing before any list is known, so a big account is not pulled whole. */
    keptIds(): number[] {
      return known.value ? choice().keptIds(known.value) : [];
    },
    /** Whether the server's last list lets this person write the repository (by uid or id; false if unknown). */
    mayWrite(key: string | number): boolean {
      return (known.value ?? []).some(
        (repository) => (repository.uid === key || repository.id === key) && repository.may_write,
      );
    },
    isKept(uid: string): boolean {
      void version.value;
      return choice().isKept({ uid }, known.value ?? []);
    },
    choose(uid: string, keep: boolean): void {
      choice().choose(uid, keep);
      version.value++;
    },
  };
}

export type OfflineSelection = ReturnType<typeof createOfflineSelection>;
