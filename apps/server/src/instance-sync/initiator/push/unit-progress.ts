// Progress in the units openDeepWiki's status shows: tasks. A task's unit is done when the
// task row (if it travels) and all of its documents have been handled; documents without a
// task form one more unit. A unit with any failure counts as failed.
import type { ProgressTracker } from '../progress-tracker.js';

const ORPHANS = -1;

/** The counters this class moves; the rest of the tracker is not its business. */
export type UnitCounters = Pick<ProgressTracker, 'totalTasks' | 'completedTasks' | 'failedTasks'>;

export class UnitProgress {
  private readonly remaining = new Map<number, number>();
  private readonly failed = new Set<number>();

  constructor(
    private readonly tracker: UnitCounters,
    units: {
      taskIds: Iterable<number>;
      sendsTask: (taskId: number) => boolean;
      documentTaskIds: Iterable<number | null>;
    },
  ) {
    for (const taskId of units.taskIds) this.remaining.set(taskId, units.sendsTask(taskId) ? 1 : 0);
    for (const taskId of units.documentTaskIds) {
      const key = taskId ?? ORPHANS;
      this.remaining.set(key, (this.remaining.get(key) ?? 0) + 1);
    }
    tracker.totalTasks = this.remaining.size;
    // Units with nothing left to send (a task only referenced) are done at once.
    for (const [key, count] of this.remaining) if (count === 0) this.finish(key);
  }

  /** One piece (the task row or one document) of a unit is handled. */
  done(taskId: number | null, ok: boolean): void {
    const key = taskId ?? ORPHANS;
    const left = this.remaining.get(key);
    if (left === undefined || left <= 0) return;
    if (!ok) this.failed.add(key);
    this.remaining.set(key, left - 1);
    if (left - 1 === 0) this.finish(key);
  }

  private finish(key: number): void {
    if (this.failed.has(key)) this.tracker.failedTasks++;
    else this.tracker.completedTasks++;
  }
}
