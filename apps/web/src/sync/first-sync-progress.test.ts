import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import type { SyncStatus } from '@wikisync/shared';
import { FirstSyncProgressTracker } from './first-sync-progress';

const status = (documents: number, tombstones = 0): SyncStatus => ({
  server_time: new Date(0).toISOString(),
  protocol_version: '1',
  latest_version: { repositories: 0, tasks: 0, documents: documents + tombstones },
  collections: {
    repositories: { rows: 0, tombstones: 0 },
    tasks: { rows: 0, tombstones: 0 },
    documents: { rows: documents, tombstones },
  },
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('FirstSyncProgressTracker', () => {
  it('counts written rows against rows + tombstones and measures the time left', async () => {
    let clock = 1_000;
    const tracker = new FirstSyncProgressTracker(
      async () => status(90, 10),
      () => clock,
    );
    tracker.pulling('documents', 0);
    await settle();
    clock += 2_000;
    tracker.written('documents', 25);
    const progress = await firstValueFrom(tracker.progress$);
    expect(progress).toMatchObject({ done: 25, total: 100, finished: false });
    // 25 rows in 2 s: 75 more take 6 s.
    expect(progress?.remainingMs).toBe(6_000);
  });

  it('reads the totals again when rows written on the server meanwhile pass N', async () => {
    const answers = [status(10), status(14)];
    let asked = 0;
    const tracker = new FirstSyncProgressTracker(async () => answers[Math.min(asked++, 1)]!);
    tracker.pulling('documents', 0);
    await settle();
    tracker.written('documents', 10);
    await settle();
    expect(asked).toBe(2);
    expect((await firstValueFrom(tracker.progress$))?.total).toBe(14);
    tracker.written('documents', 4);
    tracker.lastPage('documents');
    tracker.idle('documents');
    expect(await firstValueFrom(tracker.progress$)).toMatchObject({ done: 14, total: 14, finished: true });
  });

  it('tracks nothing for a collection that already has a checkpoint', async () => {
    const tracker = new FirstSyncProgressTracker(async () => status(5));
    tracker.pulling('documents', 42);
    tracker.written('documents', 3);
    expect(await firstValueFrom(tracker.progress$)).toBeNull();
  });
});
