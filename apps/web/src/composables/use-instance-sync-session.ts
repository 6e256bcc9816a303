// One instance-sync session with its items, for /sync/history/:sessionId. A running session
// keeps changing, so it is read again every second until it ends.
import { errorMessage } from '../i18n/error-message';
import { onBeforeUnmount, ref, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { SyncSessionDetail } from '@wikisync/shared';
import { useAuthStore } from '../stores/auth';
import { createInstanceSyncClient } from '../api/instance-sync-client';

export function useInstanceSyncSession(sessionId: MaybeRefOrGetter<string>) {
  const client = createInstanceSyncClient(useAuthStore().api);
  const session = ref<SyncSessionDetail | null>(null);
  const error = ref<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function load(id: string) {
    try {
      session.value = await client.session(id);
      error.value = null;
      if (session.value.status === 'in_progress') timer = setTimeout(() => void load(id), 1000);
    } catch (caught) {
      error.value = errorMessage(caught);
    }
  }

  watch(
    () => toValue(sessionId),
    (id) => {
      if (timer) clearTimeout(timer);
      void load(id);
    },
    { immediate: true },
  );
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer);
  });
  return { session, error };
}
