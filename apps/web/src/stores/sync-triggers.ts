// When the browser should sync beyond the live stream: on the `online` event, when the tab
// becomes visible, and every five minutes as a safety net. `offline` pauses replication.
import type { useSyncStore } from './sync';

export const SAFETY_NET_INTERVAL_MS = 5 * 60_000;

export function installSyncTriggers(
  store: ReturnType<typeof useSyncStore>,
  target: Window = window,
): () => void {
  const onOnline = () => void store.setOnline(true);
  const onOffline = () => void store.setOnline(false);
  const onVisible = () => {
    if (target.document.visibilityState === 'visible') store.resync();
  };
  target.addEventListener('online', onOnline);
  target.addEventListener('offline', onOffline);
  target.document.addEventListener('visibilitychange', onVisible);
  const timer = target.setInterval(() => store.resync(), SAFETY_NET_INTERVAL_MS);
  return () => {
    target.removeEventListener('online', onOnline);
    target.removeEventListener('offline', onOffline);
    target.document.removeEventListener('visibilitychange', onVisible);
    target.clearInterval(timer);
  };
}
