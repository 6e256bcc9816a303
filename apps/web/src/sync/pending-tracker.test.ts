// The "n changes waiting" count as a table: a sequence of local writes, replication writes,
// push results and idle moments, and the count (and stored keys) after it.
import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import type { RxCollection } from 'rxdb/plugins/core';
import { PendingTracker, type PendingStore } from './pending-tracker';

type Doc = Record<string, unknown>;
interface Bulk {
  context: string;
  events: Array<{ documentId: string; documentData: Doc }>;
}

type Step = { write: Doc[]; context?: string } | { settle: Doc[]; refused?: string[] } | { settleAll: true };

const doc = (uid: string, name = 'a', extra: Doc = {}): Doc => ({ uid, name, ...extra });

function memoryStore(initial: string[] = []) {
  let keys = [...initial];
  const listeners = new Set<(keys: string[]) => void>();
  const store: PendingStore = {
    load: () => [...keys],
    save: (next) => (keys = [...next]),
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
  };
  return {
    store,
    keys: () => keys,
    /** Another tab saved these keys. */
    otherTab(next: string[]) {
      keys = [...next];
      for (const listener of listeners) listener(keys);
    },
  };
}

function track(steps: Step[], store?: PendingStore) {
  const tracker = new PendingTracker(store);
  const bulks = new Subject<Bulk>();
  // The tracker reads only `eventBulks$` of a collection; a Subject stands in for RxDB's.
  tracker.watch('repositories', { eventBulks$: bulks } as unknown as RxCollection<Doc>);
  let count = -1;
  tracker.count$.subscribe((value) => (count = value));
  for (const step of steps) {
    if ('write' in step) {
      bulks.next({
        context: step.context ?? 'rx-collection-upsert',
        events: step.write.map((data) => ({ documentId: String(data.uid), documentData: data })),
      });
    } else if ('settle' in step) {
      tracker.settle('repositories', step.settle, new Set(step.refused ?? []));
    } else tracker.settleAll('repositories');
  }
  return { tracker, count: () => count };
}

describe('PendingTracker', () => {
  const cases: Array<[what: string, steps: Step[], pending: number]> = [
    ['nothing written', [], 0],
    ['one local edit', [{ write: [doc('r1')] }], 1],
    ['two edits of one row count once', [{ write: [doc('r1')] }, { write: [doc('r1', 'b')] }], 1],
    ['edits of two rows', [{ write: [doc('r1'), doc('r2')] }], 2],
    ["replication's own writes are not the user's", [{ write: [doc('r1')], context: 'replication-pull' }], 0],
    ['a push that carried the edit settles it', [{ write: [doc('r1')] }, { settle: [doc('r1')] }], 0],
    [
      'a push of an older state does not settle a newer edit',
      [{ write: [doc('r1', 'new')] }, { settle: [doc('r1', 'old')] }],
      1,
    ],
    [
      'a refused push settles it (the conflict handler takes over)',
      [{ write: [doc('r1', 'new')] }, { settle: [doc('r1', 'old')], refused: ['r1'] }],
      0,
    ],
    [
      'a deletion pushed as _deleted settles it',
      [{ write: [doc('r1', 'a', { _deleted: true })] }, { settle: [doc('r1', 'a', { _deleted: true })] }],
      0,
    ],
    [
      'a live state does not settle a pending deletion',
      [{ write: [doc('r1', 'a', { _deleted: true })] }, { settle: [doc('r1')] }],
      1,
    ],
    [
      'a push of rows never edited here changes nothing',
      [{ write: [doc('r1')] }, { settle: [doc('r2')] }],
      1,
    ],
    [
      'an idle, healthy replication settles everything',
      [{ write: [doc('r1'), doc('r2')] }, { settleAll: true }],
      0,
    ],
  ];

  it.each(cases)('%s → %i pending', (_what, steps, pending) => {
    const { tracker, count } = track(steps);
    expect(count()).toBe(pending);
    tracker.stop();
  });

  it('keeps its keys in the store, and a reload starts from them', () => {
    const memory = memoryStore();
    track([{ write: [doc('r1'), doc('r2')] }, { settle: [doc('r2')] }], memory.store).tracker.stop();
    expect(memory.keys()).toEqual(['repositories:r1']);

    const reloaded = track([], memory.store);
    expect(reloaded.count()).toBe(1);
    // A key from the store has no known state: any push of that row settles it.
    reloaded.tracker.settle('repositories', [doc('r1', 'whatever')], new Set());
    expect(reloaded.count()).toBe(0);
    expect(memory.keys()).toEqual([]);
  });

  it("follows another tab's keys without writing them back", () => {
    const memory = memoryStore(['repositories:r1']);
    let saves = 0;
    const store: PendingStore = { ...memory.store, save: (keys) => (saves++, memory.store.save(keys)) };
    const { tracker, count } = track([], store);
    memory.otherTab(['repositories:r1', 'tasks:t1', 'documents:d1']);
    expect(count()).toBe(3);
    memory.otherTab([]);
    expect(count()).toBe(0);
    expect(saves).toBe(0);
    tracker.stop();
  });

  it('settleAll clears only its own collection', () => {
    const { tracker, count } = track([], memoryStore(['repositories:r1', 'tasks:t1']).store);
    tracker.settleAll('repositories');
    expect(count()).toBe(1);
    tracker.stop();
  });

  it('lists the rows still waiting, for a marker on each', () => {
    const memory = memoryStore(['tasks:t1']);
    const { tracker } = track([{ write: [doc('r1'), doc('r2')] }, { settle: [doc('r2')] }], memory.store);
    const seen: string[][] = [];
    tracker.keys$.subscribe((keys) => seen.push([...keys].sort()));
    expect(seen.at(-1)).toEqual(['repositories:r1', 'tasks:t1']);
    expect(tracker.has('repositories', 'r1')).toBe(true);
    expect(tracker.has('repositories', 'r2')).toBe(false);
    tracker.settleAll('repositories');
    expect(seen.at(-1)).toEqual(['tasks:t1']);
    // Settling what is not pending publishes no new set.
    tracker.settle('repositories', [doc('r9')], new Set());
    expect(seen).toHaveLength(2);
    tracker.stop();
  });
});
