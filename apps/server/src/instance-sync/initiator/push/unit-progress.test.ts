// Unit progress as a table: a push plan (which tasks, whether each task row travels, which
// task each document belongs to), the pieces reported handled, and the task counts a peer's
// status page then shows.
import { describe, expect, it } from 'vitest';
import { UnitProgress, type UnitCounters } from './unit-progress.js';

interface Plan {
  taskIds: number[];
  /** Task ids whose row travels (the others are only referenced by documents). */
  sent: number[];
  documentTaskIds: Array<number | null>;
}

type Report = [taskId: number | null, ok: boolean];

function run(plan: Plan, reports: Report[]): UnitCounters {
  const counters: UnitCounters = { totalTasks: undefined, completedTasks: 0, failedTasks: 0 };
  const progress = new UnitProgress(counters, {
    taskIds: plan.taskIds,
    sendsTask: (taskId) => plan.sent.includes(taskId),
    documentTaskIds: plan.documentTaskIds,
  });
  for (const [taskId, ok] of reports) progress.done(taskId, ok);
  return counters;
}

const counts = (total: number, completed: number, failed: number): UnitCounters => ({
  totalTasks: total,
  completedTasks: completed,
  failedTasks: failed,
});

describe('UnitProgress', () => {
  const cases: Array<[what: string, plan: Plan, reports: Report[], expected: UnitCounters]> = [
    ['an empty plan', { taskIds: [], sent: [], documentTaskIds: [] }, [], counts(0, 0, 0)],
    ['a task not yet handled', { taskIds: [1], sent: [1], documentTaskIds: [1] }, [], counts(1, 0, 0)],
    [
      'a task done once its row and every document are handled',
      { taskIds: [1], sent: [1], documentTaskIds: [1, 1] },
      [
        [1, true],
        [1, true],
        [1, true],
      ],
      counts(1, 1, 0),
    ],
    [
      'a task still open while a document is left',
      { taskIds: [1], sent: [1], documentTaskIds: [1, 1] },
      [
        [1, true],
        [1, true],
      ],
      counts(1, 0, 0),
    ],
    [
      'a task failed when any piece failed, counted when its last piece is handled',
      { taskIds: [1], sent: [1], documentTaskIds: [1] },
      [
        [1, false],
        [1, true],
      ],
      counts(1, 0, 1),
    ],
    [
      'a task only referenced, with nothing to send, done at once',
      { taskIds: [1], sent: [], documentTaskIds: [] },
      [],
      counts(1, 1, 0),
    ],
    [
      'a referenced task whose documents travel',
      { taskIds: [1], sent: [], documentTaskIds: [1] },
      [[1, true]],
      counts(1, 1, 0),
    ],
    [
      'documents without a task form one more unit',
      { taskIds: [1], sent: [1], documentTaskIds: [null, null] },
      [
        [1, true],
        [null, true],
        [null, false],
      ],
      counts(2, 1, 1),
    ],
    [
      'extra reports for a finished unit change nothing',
      { taskIds: [1], sent: [1], documentTaskIds: [] },
      [
        [1, true],
        [1, false],
        [1, true],
      ],
      counts(1, 1, 0),
    ],
    [
      'reports for a task outside the plan are ignored',
      { taskIds: [1], sent: [1], documentTaskIds: [] },
      [[7, false]],
      counts(1, 0, 0),
    ],
    [
      'units finish independently',
      { taskIds: [1, 2, 3], sent: [1, 2, 3], documentTaskIds: [2] },
      [
        [2, true],
        [1, false],
        [3, true],
      ],
      counts(3, 1, 1),
    ],
  ];

  it.each(cases)('%s', (_what, plan, reports, expected) => {
    expect(run(plan, reports)).toEqual(expected);
  });
});
