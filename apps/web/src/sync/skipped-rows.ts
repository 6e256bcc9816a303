// Pulled rows the replica could not store, parked with their reason so the UI (or whoever
// looks at the replica) can tell that a row exists on the server but is not here, and why.
//
// Kept as one RxDB local document of the replica's database rather than a collection: the
// free RxDB allows 13 collections per JS realm (STACK-NOTES.md), and this is a short list,
// never replicated. The bad row itself is not kept, only its uid: storing it would fail in
// the same way. A row parked earlier is taken off the list once a storable version of it
// arrives.
import { BehaviorSubject, type Observable } from 'rxjs';
import type { CollectionName } from '@wikisync/shared';
import type { ReplicaDatabase } from './replica';
import type { RefusedRow } from './pulled-rows';

export const SKIPPED_ROWS_DOCUMENT = 'sync-skipped-rows';
/** Oldest entries go first beyond this; a replica with more bad rows has a bigger problem. */
export const MAX_SKIPPED_ROWS = 200;

export interface SkippedRow {
  collection_name: CollectionName;
  uid: string;
  reason: string;
  skipped_at: string;
}

interface SkippedRowsData {
  rows: SkippedRow[];
}

export class SkippedRows {
  private readonly subject = new BehaviorSubject<SkippedRow[]>([]);
  /** Serialises writes: the three collections' pulls report concurrently. */
  private queue: Promise<void>;

  constructor(private readonly database: ReplicaDatabase) {
    this.queue = database
      .getLocal<SkippedRowsData>(SKIPPED_ROWS_DOCUMENT)
      .then((doc) => this.subject.next(doc?.get('rows') ?? []))
      .catch(() => {}); // a replica closed while starting; nothing to show
  }

  /** Parked rows, oldest first. */
  get rows$(): Observable<SkippedRow[]> {
    return this.subject.asObservable();
  }

  /** Parks `refused` rows of `collection` and releases parked ones that were `accepted`. */
  record(
    collection: CollectionName,
    refused: readonly RefusedRow[],
    accepted: readonly string[],
  ): Promise<void> {
    const done = this.queue.then(async () => {
      const current = this.subject.value;
      const released = new Set(accepted);
      const touched = new Set(refused.map((row) => row.uid));
      const kept = current.filter(
        (row) => row.collection_name !== collection || (!released.has(row.uid) && !touched.has(row.uid)),
      );
      if (refused.length === 0 && kept.length === current.length) return;
      const skippedAt = new Date().toISOString();
      const rows = [
        ...kept,
        ...refused.map((row) => ({
          collection_name: collection,
          uid: row.uid,
          reason: row.reason,
          skipped_at: skippedAt,
        })),
      ].slice(-MAX_SKIPPED_ROWS);
      await this.database.upsertLocal<SkippedRowsData>(SKIPPED_ROWS_DOCUMENT, { rows });
      this.subject.next(rows);
    });
    this.queue = done.catch(() => {});
    return done;
  }
}
