// Persistent storage and the space used, from the browser's StorageManager. Without
// `persist()` the browser may evict the replica under storage pressure, and with it edits not
// yet uploaded; so it is asked when a first sync starts and when the person keeps a
// repository offline. The browser answers at once (Chromium decides from site engagement,
// Firefox asks the person); the answer is published so the sync indicator can say it.
import { BehaviorSubject } from 'rxjs';

export const PERSISTENCE = {
  granted: 'granted',
  notGranted: 'not-granted',
  unsupported: 'unsupported',
} as const;
export type Persistence = (typeof PERSISTENCE)[keyof typeof PERSISTENCE];

export interface StorageEstimateFacts {
  /** Bytes this site uses. */
  usage: number;
  /** Bytes the browser lets this site use. */
  quota: number;
}

/** The last answer about persistence; null before anything was asked. */
export const persistence$ = new BehaviorSubject<Persistence | null>(null);

const manager = (): StorageManager | undefined =>
  typeof navigator === 'undefined' ? undefined : navigator.storage;

let asking: Promise<Persistence> | null = null;

/**
 * Asks the browser to keep this site's data (the replica) under storage pressure. Asked once
 * per page load: a granted answer stays, and asking again after a refusal changes nothing.
 */
export function requestPersistentStorage(): Promise<Persistence> {
  asking ??= (async () => {
    const storage = manager();
    if (!storage?.persist) return PERSISTENCE.unsupported;
    try {
      const granted = (await storage.persisted?.()) || (await storage.persist());
      return granted ? PERSISTENCE.granted : PERSISTENCE.notGranted;
    } catch {
      return PERSISTENCE.notGranted;
    }
  })().then((answer) => {
    persistence$.next(answer);
    return answer;
  });
  return asking;
}

/** What this site uses and may use, or null where the browser does not say. */
export async function estimateStorage(): Promise<StorageEstimateFacts | null> {
  const storage = manager();
  if (!storage?.estimate) return null;
  try {
    const { usage, quota } = await storage.estimate();
    return usage === undefined || quota === undefined ? null : { usage, quota };
  } catch {
    return null;
  }
}
