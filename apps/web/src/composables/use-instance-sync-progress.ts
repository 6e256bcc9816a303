// Follows one instance-sync session until it ends: its status from the server's status stream,
// each step as the server writes it, and its items at most once a second. A server without
// the stream (or a stream that drops) is followed by polling the status twice a second, the
// endpoint openDeepWiki clients poll too.
import { errorMessage } from '../i18n/error-message';
import { onScopeDispose, ref } from 'vue';
import type { InstanceSyncStatus, SyncSessionDetail } from '@wikisync/shared';
import type { InstanceSyncClient } from '../api/instance-sync-client';

const POLL_MS = 500;
const DETAIL_MS = 1000;

export function useInstanceSyncProgress(client: InstanceSyncClient) {
  const status = ref<InstanceSyncStatus | null>(null);
  const detail = ref<SyncSessionDetail | null>(null);
  const error = ref<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let watching: AbortController | null = null;
  let detailAt = 0;
  let detailLoading: Promise<void> | null = null;

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    watching?.abort();
    watching = null;
  }

  /** The items while the session runs: one request at a time, at most once a second. */
  function refreshDetail(syncId: string): void {
    if (detailLoading || Date.now() - detailAt < DETAIL_MS) return;
    detailAt = Date.now();
    detailLoading = client
      .session(syncId)
      .then((loaded) => {
        detail.value = loaded;
      })
      .catch(() => {})
      .finally(() => (detailLoading = null));
  }

  /** The items once the session ended: read after any read still under way. */
  async function finalDetail(syncId: string): Promise<void> {
    await detailLoading;
    detail.value = await client.session(syncId);
  }

  /** `own` is the follow this poll belongs to: a later follow or a stop ends it. */
  async function poll(syncId: string, own: AbortController) {
    try {
      const next = await client.status(syncId);
      if (watching !== own) return;
      status.value = next;
      const finished = next.status !== 'in_progress';
      if (finished) await finalDetail(syncId);
      else refreshDetail(syncId);
      error.value = null;
      if (finished) return stop();
    } catch (caught) {
      if (watching !== own) return;
      error.value = errorMessage(caught);
    }
    if (watching === own) timer = setTimeout(() => void poll(syncId, own), POLL_MS);
  }

  async function watch(syncId: string, own: AbortController) {
    try {
      const last = await client.watchStatus(
        syncId,
        (next) => {
          status.value = next;
          error.value = null;
          if (next.status === 'in_progress') refreshDetail(syncId);
        },
        own.signal,
      );
      if (own.signal.aborted) return;
      if (last && last.status !== 'in_progress') {
        await finalDetail(syncId);
        if (watching === own) stop();
        return;
      }
    } catch {
      if (own.signal.aborted) return;
      // A server without the stream says 404 here; polling reports any real failure.
    }
    // No stream here, or it ended before the session did: poll instead.
    if (watching === own) void poll(syncId, own);
  }

  function follow(syncId: string) {
    stop();
    detailAt = 0;
    detail.value = null;
    watching = new AbortController();
    void watch(syncId, watching);
  }

  // Stops with whatever owns it: the page that follows a session, or the wizard store.
  onScopeDispose(stop);
  return { status, detail, error, follow, stop };
}
