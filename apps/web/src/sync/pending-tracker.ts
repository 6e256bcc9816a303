// Counts local edits the server has not confirmed yet, for an "n changes waiting" badge.
// RxDB keeps no such count, so we watch the collection's write events: writes whose context
// is not RxDB replication's own are the user's. An edit stops being pending when a push
// carrying that exact state succeeds, or when the server refused it (the conflict handler
// then merges it into the next push or records it in sync_conflicts).
// With a PendingStore the keys outlive the page: an edit made offline still counts after a
// reload, and tabs of one browser share one count (only the leader tab pushes and settles).
// The keys themselves (`keys$`) let a page mark each row that is not on the server yet: RxDB
// 17 has `awaitDocumentPushed` for one document state, but no list of what is still waiting,
// and this set already has to be right for the count.
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import type { RxCollection } from 'rxdb/plugins/core';
import type { CollectionName } from '@wikisync/shared';
import { docsEqual } from './conflict-handler';

/** Where the pending keys (`collection:uid`) are kept between page loads and across tabs. */
export interface PendingStore {
  load(): string[];
  save(keys: string[]): void;
  /** Calls back when another tab changed the keys; returns an unsubscribe function. */
  subscribe(onChange: (keys: string[]) => void): () => void;
}

export class PendingTracker {
  /** A key's value is the pending state, or null when it came from the store (state unknown). */
  private readonly pending = new Map<string, Record<string, unknown> | null>();
  private readonly subscriptions: Subscription[] = [];
  private readonly count = new BehaviorSubject(0);
  private readonly keys = new BehaviorSubject<ReadonlySet<string>>(new Set());
  private readonly unsubscribeStore: (() => void) | null = null;
  readonly count$: Observable<number> = this.count.asObservable();
  /** The pending rows as `collection:uid` keys; a new set on every change. */
  readonly keys$: Observable<ReadonlySet<string>> = this.keys.asObservable();

  constructor(private readonly store?: PendingStore) {
    if (!store) return;
    for (const key of store.load()) this.pending.set(key, null);
    this.count.next(this.pending.size);
    this.keys.next(new Set(this.pending.keys()));
    this.unsubscribeStore = store.subscribe((keys) => {
      const wanted = new Set(keys);
      for (const key of [...this.pending.keys()]) if (!wanted.has(key)) this.pending.delete(key);
      for (const key of wanted) if (!this.pending.has(key)) this.pending.set(key, null);
      this.publish(false);
    });
  }

  watch(collection: CollectionName, rxCollection: RxCollection<Record<string, unknown>>): void {
    this.subscriptions.push(
      rxCollection.eventBulks$.subscribe((bulk) => {
        if (bulk.context.startsWith('replication-')) return;
        for (const event of bulk.events) {
          this.pending.set(
            `${collection}:${event.documentId}`,
            event.documentData as Record<string, unknown>,
          );
        }
        this.publish();
      }),
    );
  }

  /** After a push: rows the server took (in the state sent) or refused are no longer pending. */
  settle(collection: CollectionName, sent: Record<string, unknown>[], refusedUids: Set<string>): void {
    for (const doc of sent) {
      const key = `${collection}:${String(doc.uid)}`;
      if (!this.pending.has(key)) continue;
      const waiting = this.pending.get(key);
      // A key from the store has no known state: the push sent the latest local state of it.
      const sameState =
        !waiting || docsEqual(collection, { ...waiting, _deleted: Boolean(waiting._deleted) }, doc);
      if (sameState || refusedUids.has(String(doc.uid))) this.pending.delete(key);
    }
    this.publish();
  }

  /**
   * When a collection's replication is idle and healthy, RxDB has handled every local write:
   * pushed it, or found it equal to the server's state (an edit back to the old value), which
   * `settle` never hears about.
   */
  settleAll(collection: CollectionName): void {
    for (const key of [...this.pending.keys()])
      if (key.startsWith(`${collection}:`)) this.pending.delete(key);
    this.publish();
  }

  has(collection: CollectionName, uid: string): boolean {
    return this.pending.has(`${collection}:${uid}`);
  }

  /** Whether any local write of `collection` waits for the server. */
  hasAny(collection: CollectionName): boolean {
    for (const key of this.pending.keys()) if (key.startsWith(`${collection}:`)) return true;
    return false;
  }

  private publish(save = true): void {
    if (save) this.store?.save([...this.pending.keys()]);
    if (this.count.value !== this.pending.size) this.count.next(this.pending.size);
    const keys = this.keys.value;
    if (keys.size !== this.pending.size || [...this.pending.keys()].some((key) => !keys.has(key)))
      this.keys.next(new Set(this.pending.keys()));
  }

  stop(): void {
    this.unsubscribeStore?.();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.count.complete();
    this.keys.complete();
  }
}
