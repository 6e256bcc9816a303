import { onMounted, ref, type Ref } from 'vue';
import { useBusyAction } from './use-busy-action';

/**
 * One list of the admin page: loaded when the panel mounts, and loaded again after every
 * change made through `change`, so the panel shows what the server now holds. `busy` and
 * `error` are the change's (see useBusyAction).
 */
export function useAdminList<Row>(load: () => Promise<Row[]>) {
  const rows = ref<Row[]>([]) as Ref<Row[]>;
  const { busy, error, run } = useBusyAction();
  const reload = async () => {
    rows.value = await load();
  };
  onMounted(() => run(reload));
  const change = (action: () => Promise<unknown>) =>
    run(async () => {
      await action();
      await reload();
    });
  return { rows, busy, error, change };
}
