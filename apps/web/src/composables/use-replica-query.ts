// Live reads from the offline replica: the result updates whenever the replica changes
// (local edits, pulled changes, other tabs), and re-subscribes when the inputs change.
import { ref, watchEffect, type Ref } from 'vue';
import type { Observable } from 'rxjs';
import type { Replica } from '../sync';
import { useSyncStore } from '../stores/sync';

/** What is used of an RxQuery: its live result, one document, several, or none. */
type WatchableQuery = { $: Observable<unknown> };
type JsonDocument = { toMutableJSON(): unknown };

/**
 * `build` returns the query to watch (or null when its inputs are not known yet). Rows come
 * back as plain objects; `ready` turns true once the first result arrived.
 */
export function useReplicaQuery<T>(build: (replica: Replica) => WatchableQuery | null): {
  rows: Ref<T[]>;
  ready: Ref<boolean>;
} {
  const sync = useSyncStore();
  const rows = ref<T[]>([]) as Ref<T[]>;
  const ready = ref(false);
  watchEffect((onCleanup) => {
    const replica = sync.replicaRef;
    if (!replica) return;
    const query = build(replica);
    if (!query) {
      rows.value = [];
      ready.value = true;
      return;
    }
    const subscription = query.$.subscribe((result) => {
      const list = (Array.isArray(result) ? result : result ? [result] : []) as JsonDocument[];
      rows.value = list.map((doc) => doc.toMutableJSON() as T);
      ready.value = true;
    });
    onCleanup(() => subscription.unsubscribe());
  });
  return { rows, ready };
}

/** Route params hold either the server's numeric id or the uid (rows made offline have no id yet). */
export function idSelector(param: string): Record<string, unknown> {
  return /^\d+$/.test(param) ? { id: Number(param) } : { uid: param };
}

/** The path segment for a row: its numeric id when the server gave one, else its uid. */
export function routeId(row: { id?: number | null | undefined; uid: string }): string {
  return row.id === null || row.id === undefined ? row.uid : String(row.id);
}
