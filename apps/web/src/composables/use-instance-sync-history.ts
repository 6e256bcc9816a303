// The /sync/history page's list: one page of instance-sync sessions, newest first, filtered
// by direction. Changing the filter goes back to the first page; either change reloads.
import { errorMessage } from '../i18n/error-message';
import { onMounted, ref, watch } from 'vue';
import type { SyncDirection, SyncSession } from '@wikisync/shared';
import { useAuthStore } from '../stores/auth';
import { createInstanceSyncClient } from '../api/instance-sync-client';

/** Sessions per page of the history. */
export const HISTORY_PAGE_SIZE = 25;

export function useInstanceSyncHistory() {
  const client = createInstanceSyncClient(useAuthStore().api);
  const sessions = ref<SyncSession[]>([]);
  const total = ref(0);
  const offset = ref(0);
  const direction = ref<SyncDirection | ''>('');
  const error = ref<string | null>(null);

  async function load() {
    error.value = null;
    try {
      const page = await client.sessions({
        limit: HISTORY_PAGE_SIZE,
        offset: offset.value,
        ...(direction.value ? { direction: direction.value } : {}),
      });
      sessions.value = page.items;
      total.value = page.total;
    } catch (caught) {
      error.value = errorMessage(caught);
    }
  }

  watch(direction, () => {
    offset.value = 0;
    void load();
  });
  watch(offset, () => void load());
  onMounted(load);
  return { sessions, total, offset, direction, error };
}
