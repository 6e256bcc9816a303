// Local edits the server refused for good (errors.ts: too large, an owner it lacks, invalid,
// forbidden), parked with the server's reason so that they neither block their collection nor
// vanish. Each entry keeps the refused state whole (every field), so the person can fix it and
// send it again (`retry`), or drop it (`discard`).
//
// What the replica shows meanwhile. Once the push handler returns without a conflict for a
// row, RxDB takes it as pushed and a later pull may overwrite it, so the parked copy here is
// what keeps the text safe. The local row itself:
// - of a row the server has, goes back to the server's version, as a conflict left for
//   "Later" does: the push handler answers the refusal with the last server state RxDB knows
//   as a conflict, and the conflict handler (`isParked`) keeps that state without recording a
//   conflict. The replica then agrees with the server and RxDB's idea of it, so the next edit
//   is compared against the right base, and the "not accepted" notice is the one place that
//   holds the refused text.
// - of a row the server never had, keeps the refused state: there is no server version to
//   show, and removing the row would leave nothing to open and fix. RxDB then believes the
//   server has the refused state and would send it as the base (`assumed_master_state`) of
//   every later push of the row: a too-large text would make each of them too large too. So
//   such rows are remembered (`newRows`) until the server takes one of their states, and
//   their pushes go without a base, which is the truth: the server inserts a row it lacks.
//
// Kept as one RxDB local document, as skipped-rows.ts does and for the same reason (13
// collections per realm in free RxDB). Entries are never dropped for space: each is someone's
// edit. A later refusal of the same row replaces its entry, being a later edit of it.
import type { FailureDetails } from '../api/envelope';
import { BehaviorSubject, type Observable } from 'rxjs';
import type { RxCollection } from 'rxdb/plugins/core';
import type { CollectionName } from '@wikisync/shared';
import type { ReplicaDatabase } from './replica';
import { docsEqual } from './conflict-handler';
import type { DocState } from './conflict-schema';

export const PARKED_PUSHES_DOCUMENT = 'sync-parked-pushes';

export interface ParkedPush {
  collection_name: CollectionName;
  uid: string;
  /** The refused local state, every field. */
  state: DocState;
  /** Whether the server had the row when it refused (then the replica shows its version). */
  server_had_row: boolean;
  /** The server's error code (e.g. PAYLOAD_TOO_LARGE) and message. */
  code: string;
  reason: string;
  /** What lets the UI say the reason in the reader's language (absent in older entries). */
  details?: FailureDetails;
  parked_at: string;
}

interface ParkedPushesData {
  rows: ParkedPush[];
  /** `collection:uid` of refused new rows the server has not taken any state of yet. */
  new_rows?: string[];
}

export class ParkedPushes {
  private readonly subject = new BehaviorSubject<ParkedPush[]>([]);
  private newRows = new Set<string>();
  /** Serialises writes: the three collections' pushes park concurrently. */
  private queue: Promise<void>;

  constructor(private readonly database: ReplicaDatabase) {
    this.queue = database
      .getLocal<ParkedPushesData>(PARKED_PUSHES_DOCUMENT)
      .then((doc) => {
        this.newRows = new Set(doc?.get('new_rows') ?? []);
        this.subject.next(doc?.get('rows') ?? []);
      })
      .catch(() => {}); // a replica closed while starting; nothing to show
    // Only the leader tab pushes and parks; the other tabs of the browser see its entries
    // through the shared local document. (It ends when the database closes.)
    database.getLocal$<ParkedPushesData>(PARKED_PUSHES_DOCUMENT).subscribe({
      next: (doc) => {
        if (!doc) return;
        this.newRows = new Set(doc.get('new_rows') ?? []);
        this.subject.next(doc.get('rows') ?? []);
      },
      error: () => {},
    });
  }

  /** Parked edits, oldest first. */
  get rows$(): Observable<ParkedPush[]> {
    return this.subject.asObservable();
  }

  get rows(): readonly ParkedPush[] {
    return this.subject.value;
  }

  /** Whether `state` of a row of `collection` is exactly a parked one (for the conflict handler). */
  isParked(collection: CollectionName, state: Record<string, unknown>): boolean {
    return this.subject.value.some(
      (row) =>
        row.collection_name === collection &&
        row.uid === state.uid &&
        docsEqual(collection, row.state, { ...state, _deleted: Boolean(state._deleted) }),
    );
  }

  find(collection: CollectionName, uid: string): ParkedPush | undefined {
    return this.subject.value.find((row) => row.collection_name === collection && row.uid === uid);
  }

  /** A row the server refused while new and has not taken since: push it without a base. */
  isUnsentNewRow(collection: CollectionName, uid: string): boolean {
    return this.newRows.has(`${collection}:${uid}`);
  }

  /** The server took a state of these rows: RxDB's base for them is right again. */
  async confirmSent(collection: CollectionName, uids: readonly string[]): Promise<void> {
    const keys = uids.map((uid) => `${collection}:${uid}`).filter((key) => this.newRows.has(key));
    if (keys.length === 0) return;
    await this.change(
      (rows) => rows,
      () => keys.forEach((key) => this.newRows.delete(key)),
    );
  }

  park(entries: readonly Omit<ParkedPush, 'parked_at'>[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const parkedAt = new Date().toISOString();
    const markNew = () => {
      for (const entry of entries)
        if (!entry.server_had_row) this.newRows.add(`${entry.collection_name}:${entry.uid}`);
    };
    return this.change(
      (rows) => [
        ...rows.filter(
          (row) =>
            !entries.some((entry) => entry.collection_name === row.collection_name && entry.uid === row.uid),
        ),
        ...entries.map((entry) => ({ ...entry, parked_at: parkedAt })),
      ],
      markNew,
    );
  }

  /** Takes the entry of one row off the list and returns it (undefined if there is none). */
  async take(collection: CollectionName, uid: string): Promise<ParkedPush | undefined> {
    let taken: ParkedPush | undefined;
    await this.change((rows) => {
      taken = rows.find((row) => row.collection_name === collection && row.uid === uid);
      return rows.filter((row) => row !== taken);
    });
    return taken;
  }

  /** Drops the parked edit for good (the UI asks first). */
  async discard(collection: CollectionName, uid: string): Promise<void> {
    await this.take(collection, uid);
  }

  /**
   * Writes the parked state, with the person's `changes` (e.g. a shortened text), back as a
   * local edit, so replication pushes it again; refused again, it comes back here with the
   * server's new reason. The write stamps a new
   * `updated_at`: a row the server never had already holds this very state, and RxDB pushes
   * only a state that differs from what it believes the server has.
   */
  async retry(collection: CollectionName, uid: string, changes: Record<string, unknown> = {}): Promise<void> {
    const entry = this.find(collection, uid);
    if (!entry) return;
    const rxCollection = this.database.collections[collection] as unknown as RxCollection<
      Record<string, unknown>
    >;
    const { _deleted: deleted, ...fields } = entry.state;
    if (deleted) {
      const current = await rxCollection.findOne(uid).exec();
      if (current) await current.remove();
    } else {
      await rxCollection.upsert({ ...fields, ...changes, updated_at: new Date().toISOString() });
    }
    // Only now: until the write is in the replica, the entry is the one copy of the edit. And
    // only this entry: the push may have been refused again meanwhile, parking a new one.
    await this.change((rows) => rows.filter((row) => row !== entry));
  }

  private change(next: (rows: ParkedPush[]) => ParkedPush[], alsoNewRows = () => {}): Promise<void> {
    const done = this.queue.then(async () => {
      const rows = next(this.subject.value);
      alsoNewRows();
      await this.database.upsertLocal<ParkedPushesData>(PARKED_PUSHES_DOCUMENT, {
        rows,
        new_rows: [...this.newRows],
      });
      this.subject.next(rows);
    });
    this.queue = done.catch(() => {});
    return done;
  }
}
