// Follows one instance-sync session: its status twice a second and its items every second,
// until it ends. The status endpoint is the one openDeepWiki clients poll too.
import { errorMessage } from '../i18n/error-message';
import { onScopeDispose, ref } from 'vue';
import type { InstanceSyncStatus, SyncSessionDetail } from '@wikisync/shared';
import type { InstanceSyncClient } from '../api/instance-sync-client';

export function useInstanceSyncProgress(client: InstanceSyncClient) {
  const status = ref<InstanceSyncStatus | null>(null);
  const detail = ref<SyncSessionDetail | null>(null);
  const error = ref<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ticks = 0;

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  async function poll(syncId: string) {
    try {
      status.value = await client.status(syncId);
      const finished = status.value.status !== 'in_progress';
      if (ticks++ % 2 === 0 || finished) detail.value = await client.session(syncId);
      error.value = null;
      if (finished) return stop();
    } catch (caught) {
      error.value = errorMessage(caught);
    }
    timer = setTimeout(() => void poll(syncId), 500);
  }

  function follow(syncId: string) {
    stop();
    ticks = 0;
    detail.value = null;
    void poll(syncId);
  }

  // Stops with whatever owns it: the page that follows a session, or the wizard store.
  onScopeDispose(stop);
  return { status, detail, error, follow, stop };
}
