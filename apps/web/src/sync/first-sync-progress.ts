// "Downloading 3,200 of 21,500": the first sync's exact progress. N comes from the server's
// status (rows + tombstones per collection: a pull from checkpoint 0 serves both); n counts
// the rows RxDB has actually written to the replica (its `received$`), not rows fetched.
// Rows written on the server during the sync raise N, so the totals are read again when a
// collection's count reaches its N before its last page; a collection that has read its last
// page ends with n = N, whatever moved meanwhile. The time left is (N − n) at the rate
// measured since the sync began.
//
// The download is over only when every collection has been heard from: each one's first
// sync finished, or it pulled from a checkpoint (its first sync was done before). Collections
// start their pulls independently, and one may finish before another has begun: under load,
// a small collection's whole first sync can come and go before the tasks' pull starts.
import { BehaviorSubject, type Observable } from 'rxjs';
import { REPLICATION_COLLECTIONS, type CollectionName, type SyncStatus } from '@wikisync/shared';

export interface CollectionProgress {
  done: number;
  /** null until the server's status has answered. */
  total: number | null;
  finished: boolean;
}

export interface FirstSyncProgress {
  collections: Record<CollectionName, CollectionProgress>;
  done: number;
  /** null until every counted collection has a total. */
  total: number | null;
  /** Milliseconds left at the measured rate; null before there is a rate. */
  remainingMs: number | null;
  finished: boolean;
}

const totalOf = (status: SyncStatus, collection: CollectionName) => {
  const counts = status.collections[collection];
  return counts ? counts.rows + counts.tombstones : 0;
};

export class FirstSyncProgressTracker {
  private readonly collections = new Map<CollectionName, CollectionProgress>();
  /** Collections that pulled from a checkpoint: no first sync of theirs to wait for. */
  private readonly resumed = new Set<CollectionName>();
  private readonly lastPageRead = new Set<CollectionName>();
  /** The total each collection had when its count last reached it: asked once per total. */
  private readonly reachedTotal = new Map<CollectionName, number>();
  private readonly subject = new BehaviorSubject<FirstSyncProgress | null>(null);
  private startedAt = 0;
  private reading: Promise<void> | null = null;
  /** A collection joined while the totals were being read: read them again for it. */
  private readAgain = false;

  constructor(
    private readonly readStatus: () => Promise<SyncStatus>,
    private readonly now: () => number = Date.now,
  ) {}

  readonly progress$: Observable<FirstSyncProgress | null> = this.subject.asObservable();

  /** A pull is about to start from `from`; from 0 it is a collection's first sync. */
  pulling(collection: CollectionName, from: number): void {
    if (this.collections.has(collection) || this.resumed.has(collection)) return;
    if (from !== 0) {
      this.resumed.add(collection);
      // The others' download may have been waiting for this one to be heard from.
      if (this.collections.size > 0) this.publish();
      return;
    }
    if (this.collections.size === 0) this.startedAt = this.now();
    this.collections.set(collection, { done: 0, total: null, finished: false });
    this.readTotals();
  }

  /** The server said there is nothing after this page. */
  lastPage(collection: CollectionName): void {
    if (this.collections.has(collection)) this.lastPageRead.add(collection);
  }

  /** RxDB wrote `count` pulled rows of `collection` to the replica. */
  written(collection: CollectionName, count = 1): void {
    const progress = this.collections.get(collection);
    if (!progress || progress.finished) return;
    progress.done += count;
    const reached = progress.total !== null && progress.done >= progress.total;
    if (
      reached &&
      !this.lastPageRead.has(collection) &&
      this.reachedTotal.get(collection) !== progress.total
    ) {
      this.reachedTotal.set(collection, progress.total!);
      this.readTotals();
    }
    this.publish();
  }

  /** The collection's pull went idle: after its last page, everything is written. */
  idle(collection: CollectionName): void {
    const progress = this.collections.get(collection);
    if (!progress || progress.finished || !this.lastPageRead.has(collection)) return;
    progress.finished = true;
    progress.total = progress.done;
    this.publish();
  }

  private readTotals(): void {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readStatus()
      .then((status) => {
        for (const [collection, progress] of this.collections) {
          // A total read while the collection finished stays what it counted.
          if (!progress.finished) progress.total = Math.max(totalOf(status, collection), progress.done);
        }
        this.publish();
      })
      // Without totals the indicator shows the count alone; the next trigger asks again.
      .catch(() => {})
      .finally(() => {
        this.reading = null;
        if (!this.readAgain) return;
        this.readAgain = false;
        this.readTotals();
      });
  }

  /** A collection with no first sync here: done before (nothing to count), or not started yet. */
  private notDownloading(collection: CollectionName): CollectionProgress {
    return this.resumed.has(collection)
      ? { done: 0, total: 0, finished: true }
      : { done: 0, total: null, finished: false };
  }

  private publish(): void {
    const entries = [...this.collections.values()];
    const done = entries.reduce((sum, progress) => sum + progress.done, 0);
    const known = entries.every((progress) => progress.total !== null);
    const total = known ? entries.reduce((sum, progress) => sum + (progress.total ?? 0), 0) : null;
    const elapsed = this.now() - this.startedAt;
    const remainingMs =
      total !== null && done > 0 && elapsed > 0 ? Math.round(((total - done) * elapsed) / done) : null;
    this.subject.next({
      collections: Object.fromEntries(
        REPLICATION_COLLECTIONS.map((name) => [
          name,
          { ...(this.collections.get(name) ?? this.notDownloading(name)) },
        ]),
      ) as Record<CollectionName, CollectionProgress>,
      done,
      total: total === null ? null : Math.max(total, done),
      remainingMs,
      finished:
        entries.length > 0 &&
        entries.every((progress) => progress.finished) &&
        REPLICATION_COLLECTIONS.every((name) => this.collections.has(name) || this.resumed.has(name)),
    });
  }
}
