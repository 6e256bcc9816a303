// The one word the sync indicator shows, derived from everything the replica reports.
// Pure, so its transition table is tested on its own (sync-status.test.ts).
import type { CollectionName } from '@wikisync/shared';
import type { CollectionSyncStatus } from '../sync';

export const SYNC_STATUS = {
  synced: 'synced',
  syncing: 'syncing',
  offline: 'offline',
  conflict: 'conflict',
  error: 'error',
  /** This app cannot sync with the server (or with the replica on disk) until it is reloaded. */
  updateRequired: 'update-required',
} as const;
export type SyncStatusWord = (typeof SYNC_STATUS)[keyof typeof SYNC_STATUS];

export interface SyncFacts {
  started: boolean;
  online: boolean;
  collections: Partial<Record<CollectionName, CollectionSyncStatus>>;
  pendingChanges: number;
  openConflicts: number;
  /** The server speaks another protocol MAJOR, or a newer app wrote the replica on disk. */
  updateRequired: boolean;
}

/**
 * Order matters: an app that must be reloaded says so above all, even offline, because no
 * waiting will make it sync (its edits stay and the reloaded app pushes them); a person offline must see "offline" (their edits wait, nothing is wrong);
 * an open conflict needs them more than a transient error; an error beats "syncing" because
 * RxDB keeps retrying quietly and the person should know it is failing.
 */
export function deriveSyncStatus(facts: SyncFacts): SyncStatusWord {
  if (facts.updateRequired) return SYNC_STATUS.updateRequired;
  if (!facts.online || !facts.started) return SYNC_STATUS.offline;
  if (facts.openConflicts > 0) return SYNC_STATUS.conflict;
  const states = Object.values(facts.collections);
  if (states.some((state) => state?.error)) return SYNC_STATUS.error;
  if (states.some((state) => state?.active) || facts.pendingChanges > 0) return SYNC_STATUS.syncing;
  // Not "synced" before every collection has completed its first pull.
  if (states.length === 0 || states.some((state) => !state?.lastSyncedAt)) return SYNC_STATUS.syncing;
  return SYNC_STATUS.synced;
}

/** The latest successful pull or push of any collection, as epoch milliseconds. */
export function latestSync(
  collections: Partial<Record<CollectionName, CollectionSyncStatus>>,
): number | null {
  const times = Object.values(collections)
    .map((state) => (state?.lastSyncedAt ? Date.parse(state.lastSyncedAt) : Number.NaN))
    .filter((time) => !Number.isNaN(time));
  return times.length ? Math.max(...times) : null;
}
