// What the document table shows beside each selected document while a session runs: done,
// unchanged or failed once the session reported it, else running (the first one still
// open) or waiting. Pure, so the wizard store and a test can both use it.
import type { InstanceSyncStatus, SyncSessionDetail } from '@wikisync/shared';

export type ItemState = 'done' | 'running' | 'waiting' | 'failed' | 'unchanged';
export type DocumentItemStates = Map<number, { state: ItemState; error: string | null }>;

/** Each selected document's state in the running session, keyed by the sender's id. */
export function documentItemStates(
  status: InstanceSyncStatus | null,
  detail: SyncSessionDetail | null,
  selectedDocuments: readonly number[],
): DocumentItemStates | undefined {
  const states: DocumentItemStates = new Map();
  if (!status) return undefined;
  for (const item of detail?.items ?? []) {
    if (item.entity !== 'document' || item.source_id === null) continue;
    const state: ItemState =
      item.status === 'failed' ? 'failed' : item.status === 'unchanged' ? 'unchanged' : 'done';
    states.set(item.source_id, { state, error: item.error });
  }
  let runningShown = false;
  for (const id of selectedDocuments) {
    if (states.has(id)) continue;
    const running: boolean = status.status === 'in_progress' && !runningShown;
    runningShown ||= running;
    states.set(id, { state: running ? 'running' : 'waiting', error: null });
  }
  return states;
}
