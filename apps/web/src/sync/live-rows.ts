// A query's rows, live, that keep arriving while the collection is being written. What the
// pages read during a first sync.
//
// Why not RxDB's `query.$`: RxDB runs a query again from the start whenever its collection
// was written while the query ran (RxQuery._execOverDatabase), and after a write of more than
// 100 rows (its change-event buffer) it runs the whole query again instead of reducing the
// events. A first sync writes a page of 500 rows every second or so, and on a busy main thread
// one run of a repository's task query takes longer than that: measured in Chromium on 2,000
// tasks, the query started four times and gave its first result 4 s after the download
// ended, while the first 500 tasks had been stored 15 s earlier. The page showed no task.
//
// Here the query runs once against the storage, and every write after that is applied to its
// result from the change events, which carry each row's whole new state: a page of 500 rows
// costs those 500 rows, not a new scan, and nothing is ever started over. Events that arrive
// while the first read runs are held and applied after it, in order; as each one is the row's
// full state, applying one the read already saw changes nothing, so no write is lost or
// shown twice. The order is the query's own (RxDB's sort comparator), so the rows come out
// as `query.$` would give them. Only `find` and `findOne` without skip are kept this way;
// any other query is left to RxDB.
import { Observable, map } from 'rxjs';
import { getSortComparator, type RxChangeEventBulk, type RxQuery } from 'rxdb/plugins/core';

type StoredRow = Record<string, unknown> & { _deleted?: boolean };

/** What a page gets of a stored row: without RxDB's own fields, like `toMutableJSON()`. */
const RXDB_FIELDS = ['_rev', '_meta', '_attachments', '_deleted'];
function plainRow<T>(stored: StoredRow): T {
  const row: Record<string, unknown> = { ...stored };
  for (const field of RXDB_FIELDS) delete row[field];
  return structuredClone(row) as T;
}

const keptByEvents = (query: RxQuery) =>
  (query.op === 'find' || query.op === 'findOne') &&
  !query.mangoQuery.skip &&
  (query.op === 'findOne' || query.mangoQuery.limit === undefined);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the rows' type is the caller's T; RxQuery's generics say nothing the code below uses
type AnyQuery = RxQuery<any, any>;

export function liveRows<T>(query: AnyQuery): Observable<T[]> {
  if (!keptByEvents(query)) {
    return query.$.pipe(
      map((result: unknown) => {
        const list = (Array.isArray(result) ? result : result ? [result] : []) as {
          toMutableJSON(): unknown;
        }[];
        return list.map((doc) => doc.toMutableJSON() as T);
      }),
    );
  }
  const collection = query.collection;
  const primaryPath = collection.schema.primaryPath as string;
  // findOne keeps every matching row, so that the next one takes over when the first goes.
  const everyMatch = collection.find({
    selector: query.mangoQuery.selector ?? {},
    ...(query.mangoQuery.sort ? { sort: query.mangoQuery.sort } : {}),
  });
  const prepared = everyMatch.getPreparedQuery();
  const compare = getSortComparator(collection.schema.jsonSchema, prepared.query);
  const limit = query.op === 'findOne' ? 1 : Infinity;

  return new Observable<T[]>((subscriber) => {
    const matching = new Map<string, StoredRow>();
    const plain = new Map<string, T>();
    let held: RxChangeEventBulk<unknown>[] | null = [];
    let closed = false;

    const apply = (bulk: RxChangeEventBulk<unknown>) => {
      let changed = false;
      for (const event of bulk.events) {
        const row = event.documentData as StoredRow;
        const uid = event.documentId;
        if (row && query.doesDocumentDataMatch(row)) {
          matching.set(uid, row);
          plain.delete(uid);
          changed = true;
        } else if (matching.delete(uid)) {
          plain.delete(uid);
          changed = true;
        }
      }
      return changed;
    };
    const emit = () => {
      const rows = [...matching.values()].sort(compare).slice(0, limit);
      subscriber.next(
        rows.map((row) => {
          const uid = row[primaryPath] as string;
          let kept = plain.get(uid);
          if (kept === undefined) plain.set(uid, (kept = plainRow<T>(row)));
          return kept;
        }),
      );
    };

    const subscription = collection.eventBulks$.subscribe((bulk) => {
      if (bulk.isLocal) return;
      if (held) held.push(bulk);
      else if (apply(bulk)) emit();
    });
    collection.storageInstance
      .query(prepared)
      .then(({ documents }) => {
        if (closed) return;
        for (const row of documents) matching.set(row[primaryPath] as string, row as StoredRow);
        const waiting = held ?? [];
        held = null;
        for (const bulk of waiting) apply(bulk);
        emit();
      })
      .catch((error: unknown) => subscriber.error(error));
    return () => {
      closed = true;
      subscription.unsubscribe();
    };
  });
}
