// The tracker against a database that is slow to commit: every tick is announced at once with
// the counters as they are, and writes never pile up behind the slow one (one waits, with the
// values as they are when it starts).
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.js';
import { ProgressTracker, progressTicks, type ProgressTick } from './progress-tracker.js';

function slowDatabase() {
  const statements: { text: string; params: readonly unknown[]; release: () => void }[] = [];
  const progress = {
    query: (text: string, params: readonly unknown[] = []) =>
      new Promise<unknown[]>((resolve) => statements.push({ text, params, release: () => resolve([]) })),
  };
  return { db: { progress } as unknown as Database, statements };
}

describe('ProgressTracker', () => {
  it('announces each tick at once and keeps at most one write waiting behind a slow one', async () => {
    const { db, statements } = slowDatabase();
    const tracker = new ProgressTracker(db, 'session-1', 10);
    const ticks: ProgressTick[] = [];
    const listener = (tick: ProgressTick) => ticks.push(tick);
    progressTicks.on('session-1', listener);
    try {
      tracker.completedTasks = 1;
      const first = tracker.flush();
      // The first write is under way (the database has not answered it).
      await expect.poll(() => statements.length).toBe(1);
      expect(statements[0]!.params[2]).toBe(1);
      tracker.completedTasks = 2;
      void tracker.flush();
      tracker.completedTasks = 3;
      const last = tracker.flush();
      // Every tick announced at once, none waiting for the database.
      expect(ticks.map((tick) => tick.completed_tasks)).toEqual([1, 2, 3]);
      expect(ticks.every((tick) => tick.total_tasks === 10)).toBe(true);

      // The two later ticks share one waiting write.
      tracker.completedTasks = 4;
      statements[0]!.release();
      await first;
      await expect.poll(() => statements.length).toBe(2);
      // It took the counters as they were when it started, not when it was asked for.
      expect(statements[1]!.params[2]).toBe(4);
      statements[1]!.release();
      await last;
      expect(statements).toHaveLength(2);
    } finally {
      progressTicks.off('session-1', listener);
    }
  });
});
