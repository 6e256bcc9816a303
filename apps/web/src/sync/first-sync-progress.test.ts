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
    // Repositories and tasks pulled from their checkpoints: nothing else is downloading.
    tracker.pulling('repositories', 7);
    tracker.pulling('tasks', 3);
    expect(await firstValueFrom(tracker.progress$)).toMatchObject({ done: 14, total: 14, finished: true });
  });

  it('is not over while a collection has not started its pull', async () => {
    const tracker = new FirstSyncProgressTracker(async () => ({
      ...status(0),
      collections: {
        repositories: { rows: 1, tombstones: 0 },
        tasks: { rows: 6, tombstones: 0 },
        documents: { rows: 0, tombstones: 0 },
      },
    }));
    // The repositories' and the documents' whole first syncs, before the tasks' pull starts.
    for (const collection of ['repositories', 'documents'] as const) tracker.pulling(collection, 0);
    await settle();
    tracker.written('repositories', 1);
    for (const collection of ['repositories', 'documents'] as const) {
      tracker.lastPage(collection);
      tracker.idle(collection);
    }
    let progress = await firstValueFrom(tracker.progress$);
    expect(progress).toMatchObject({ done: 1, total: 1, finished: false });
    expect(progress?.collections.tasks).toEqual({ done: 0, total: null, finished: false });

    tracker.pulling('tasks', 0);
    await settle();
    expect(await firstValueFrom(tracker.progress$)).toMatchObject({ done: 1, total: 7, finished: false });
    tracker.written('tasks', 6);
    tracker.lastPage('tasks');
    tracker.idle('tasks');
    progress = await firstValueFrom(tracker.progress$);
    expect(progress).toMatchObject({ done: 7, total: 7, finished: true });
  });

  it('reads the totals again for a collection that starts while they are being read', async () => {
    const answers: ((value: SyncStatus) => void)[] = [];
    const tracker = new FirstSyncProgressTracker(
      () => new Promise<SyncStatus>((resolve) => answers.push(resolve)),
    );
    tracker.pulling('documents', 0);
    // The tasks' pull starts while the documents' totals are on their way.
    tracker.pulling('tasks', 0);
    expect(answers).toHaveLength(1);
    answers[0]!({
      ...status(3),
      collections: { ...status(3).collections, tasks: { rows: 0, tombstones: 0 } },
    });
    await settle();
    expect(answers).toHaveLength(2);
    answers[1]!({
      ...status(3),
      collections: { ...status(3).collections, tasks: { rows: 5, tombstones: 0 } },
    });
    await settle();
    expect(await firstValueFrom(tracker.progress$)).toMatchObject({ done: 0, total: 8 });
  });

  it('tracks nothing for a collection that already has a checkpoint', async () => {
    const tracker = new FirstSyncProgressTracker(async () => status(5));
    tracker.pulling('documents', 42);
    tracker.written('documents', 3);
    expect(await firstValueFrom(tracker.progress$)).toBeNull();
  });
});
