// Live reads from the offline replica: the result updates whenever the replica changes
// (local edits, pulled changes, other tabs), and re-subscribes when the inputs change.
// Pages do not call this: they use the named queries in use-replica-queries.ts.
import { ref, watchEffect, type Ref } from 'vue';
import type { Replica } from '../sync';
import { useSyncStore, type WatchableQuery } from '../stores/sync';

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
    const rows$ = sync.liveQuery<T>(build);
    if (!rows$) return;
    const subscription = rows$.subscribe((list) => {
      rows.value = list;
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
