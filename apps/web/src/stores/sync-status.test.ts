import { describe, expect, it } from 'vitest';
import { deriveSyncStatus, latestSync, type SyncFacts } from './sync-status';

const idle = { active: false, error: null, errorCode: null, lastSyncedAt: '2026-01-01T00:00:00.000Z' };
const base: SyncFacts = {
  started: true,
  online: true,
  collections: { repositories: idle, tasks: idle, documents: idle },
  pendingChanges: 0,
  openConflicts: 0,
  updateRequired: false,
};

describe('deriveSyncStatus', () => {
  it.each<[string, Partial<SyncFacts>, string]>([
    ['all idle', {}, 'synced'],
    ['a pull running', { collections: { ...base.collections, tasks: { ...idle, active: true } } }, 'syncing'],
    ['edits waiting', { pendingChanges: 2 }, 'syncing'],
    [
      'a request failing',
      { collections: { ...base.collections, documents: { ...idle, error: 'boom' } } },
      'error',
    ],
    ['a conflict open', { openConflicts: 1, pendingChanges: 3 }, 'conflict'],
    ['the browser offline', { online: false, openConflicts: 1, pendingChanges: 3 }, 'offline'],
    ['replication not started', { started: false }, 'offline'],
    ['the server speaks another protocol', { updateRequired: true }, 'update-required'],
    [
      'an update required while offline, with conflicts and edits waiting',
      { updateRequired: true, online: false, openConflicts: 2, pendingChanges: 4 },
      'update-required',
    ],
    [
      'a newer replica on disk, replication never started',
      { updateRequired: true, started: false },
      'update-required',
    ],
    [
      'the first pull not done yet',
      { collections: { ...base.collections, tasks: { ...idle, lastSyncedAt: null } } },
      'syncing',
    ],
    ['no collection reported yet', { collections: {} }, 'syncing'],
  ])('%s → %s', (_name, facts, expected) => {
    expect(deriveSyncStatus({ ...base, ...facts })).toBe(expected);
  });
});

describe('latestSync', () => {
  it('takes the newest collection sync and ignores collections never synced', () => {
    expect(
      latestSync({
        repositories: { ...idle, lastSyncedAt: '2026-01-01T00:00:05.000Z' },
        tasks: { ...idle, lastSyncedAt: null },
      }),
    ).toBe(Date.parse('2026-01-01T00:00:05.000Z'));
    expect(latestSync({})).toBeNull();
  });
});
