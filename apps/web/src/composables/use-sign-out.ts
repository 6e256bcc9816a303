// Signing out deletes the offline replica from this browser: on a shared computer the next
// person must not find the last one's repositories and documents in IndexedDB. Edits that
// have not reached the server would be lost with it, so then the person is asked first.
import { t } from '../i18n';
import { useAuthStore } from '../stores/auth';
import { useSyncStore } from '../stores/sync';

/** The question asked before unsynced edits are discarded; OK signs out, Cancel stays. */
export function discardEditsQuestion(pending: number): string {
  return `${t('signOut.discardEdits', { n: pending }, pending)}\n\n${t('signOut.discardChoices')}`;
}

/**
 * Returns `signOut()`, which resolves to false when the person chose to stay signed in.
 * `confirm` is the dialog (window.confirm in the app, a stand-in in tests).
 */
export function useSignOut(confirm: (question: string) => boolean = (question) => window.confirm(question)) {
  const auth = useAuthStore();
  const sync = useSyncStore();
  return async function signOut(): Promise<boolean> {
    const pending = sync.pendingChanges;
    if (pending > 0 && !confirm(discardEditsQuestion(pending))) return false;
    await sync.stopSync({ discardReplica: true });
    await auth.endSession();
    auth.signOut();
    return true;
  };
}
