// useSyncStore: the web app's handle on its offline replica. It opens the RxDB replica for
// the signed-in user, runs replication against /api/v1/sync, and publishes what the sync
// indicator and the conflict dialog show. The replica itself stays inside: pages read through
// `liveQuery` (wrapped by the composables in use-replica-queries.ts) and write through the
// actions below, so no page or component holds RxDB. Writes never wait for the network.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { auditTime, of, type Observable, type Subscription } from 'rxjs';
import type { CollectionName, ConflictHunk, ConflictResolution } from '@wikisync/shared';
import {
  createReplica,
  startReplication,
  type CollectionSyncStatus,
  type DocState,
  type Replica,
  type ReplicaOptions,
  type SyncConflictDoc,
  type SyncController,
  type SyncOptions,
} from '../sync';
import * as localWrites from '../sync/local-writes';
import * as editorDrafts from '../sync/editor-drafts';
import { saveEditedDocument } from '../sync/editor-save';
import type { ParkedPush } from '../sync/parked-pushes';
import type { FirstSyncProgress } from '../sync/first-sync-progress';
import { liveRows } from '../sync/live-rows';
import { requestPersistentStorage } from '../sync/storage-persistence';
import { STORAGE_FULL_CODE } from '../sync/sync-controller';
import { ReplicaNewerThanAppError } from '../sync/errors';
import { deriveSyncStatus, latestSync } from './sync-status';
import { createOfflineSelection, type OfflineSelection } from './offline-selection';
import type { ChoiceStorage } from '../sync/offline-choice';

export type { DocState, ParkedPush };

export interface StartSyncOptions {
  /** IndexedDB database name (see `replicaName`). */
  name: string;
  storage: ReplicaOptions['storage'];
  getToken: () => string | null;
  baseUrl?: string;
  fetch?: SyncOptions['fetch'];
  multiInstance?: boolean;
  online?: boolean;
  retryTime?: number;
  pendingStore?: SyncOptions['pendingStore'];
  /** Where the offline choice is kept (default: localStorage). */
  choiceStorage?: ChoiceStorage;
}

/** The query a page reads live (sync/live-rows.ts). */
export type WatchableQuery = Parameters<typeof liveRows>[0];

/** The open conflicts in recorded order, except that the one asked for comes first. */
function requestedFirst(conflicts: SyncConflictDoc[], id: string | null): SyncConflictDoc[] {
  const requested = conflicts.find((conflict) => conflict.id === id);
  return requested ? [requested, ...conflicts.filter((conflict) => conflict !== requested)] : conflicts;
}

export const useSyncStore = defineStore('sync', () => {
  const online = ref(true);
  const started = ref(false);
  const collections = ref<Partial<Record<CollectionName, CollectionSyncStatus>>>({});
  const pendingChanges = ref(0);
  const conflicts = ref<SyncConflictDoc[]>([]);
  /** Edits the server refused for good, waiting for the person (parked-pushes.ts). */
  const parkedPushes = ref<ParkedPush[]>([]);
  /** `collection:uid` of rows with edits the server has not confirmed yet. */
  const pendingKeys = shallowRef<ReadonlySet<string>>(new Set());
  const streamConnected = ref(false);
  /** The first sync's "n of N" (first-sync-progress.ts); null when none ran. */
  const firstSyncProgress = shallowRef<FirstSyncProgress | null>(null);
  const conflictDialogOpen = ref(false);
  /** This app must be reloaded before it can sync (compatibility-gate.ts, replica-versions.ts). */
  const updateRequired = ref(false);
  const replicaRef = shallowRef<Replica | null>(null);
  let controller: SyncController | null = null;
  /** The repositories kept offline and the server's list of readable ones (offline-selection.ts). */
  const selection = shallowRef<OfflineSelection | null>(null);
  let subscriptions: Subscription[] = [];
  let opening: Promise<void> | null = null;
  let pendingStore: StartSyncOptions['pendingStore'];
  /** The conflict the person asked to see (from its document's page): the dialog shows it first. */
  let requestedConflict: string | null = null;

  const syncStatus = computed(() =>
    deriveSyncStatus({
      started: started.value,
      online: online.value,
      collections: collections.value,
      pendingChanges: pendingChanges.value,
      openConflicts: conflicts.value.length + parkedPushes.value.length,
      updateRequired: updateRequired.value,
    }),
  );
  const lastSyncAt = computed(() => latestSync(collections.value));
  /** The first failing collection's error, as the server said it; the indicator translates. */
  const lastError = computed(() => {
    const failing = Object.values(collections.value).find((state) => state?.error);
    return failing?.error ? { code: failing.errorCode, message: failing.error } : null;
  });
  /** Pulled rows no longer fit in this browser: the person frees space, then retries. */
  const storageFull = computed(() =>
    Object.values(collections.value).some((state) => state?.errorCode === STORAGE_FULL_CODE),
  );

  /** Opens the replica and starts replicating; a second call while open is a no-op. */
  function startSync(options: StartSyncOptions): Promise<void> {
    opening ??= (async () => {
      pendingStore = options.pendingStore;
      let replica: Replica;
      try {
        replica = await createReplica({
          name: options.name,
          storage: options.storage,
          multiInstance: options.multiInstance ?? true,
        });
      } catch (error) {
        // A newer app wrote this replica: leave it as it is and ask for a reload.
        if (!(error instanceof ReplicaNewerThanAppError)) throw error;
        updateRequired.value = true;
        return;
      }
      replicaRef.value = replica;
      online.value = options.online ?? true;
      const chosen = createOfflineSelection(options.name, options.choiceStorage);
      selection.value = chosen;
      controller = startReplication(replica, {
        offlineRepositories: () => chosen.keptIds(),
        selectionKnown: () => chosen.known.value !== null,
        readableRepositories: () => chosen.fresh.value,
        onAccess: (ids) => {
          // Narrowed at once (the pull this event starts purges), named again from the status.
          chosen.narrowTo(ids);
          void refreshReadable();
        },
        baseUrl: options.baseUrl ?? '',
        getToken: options.getToken,
        fetch: options.fetch,
        retryTime: options.retryTime,
        pendingStore: options.pendingStore,
        startOffline: !(options.online ?? true),
        waitForLeadership: options.multiInstance ?? true,
      });
      let seenConflicts = 0;
      let seenParked = 0;
      subscriptions = [
        controller.status$.subscribe((value) => (collections.value = value)),
        controller.pendingCount$.subscribe((value) => (pendingChanges.value = value)),
        controller.streamConnected$.subscribe((value) => (streamConnected.value = value)),
        // A first sync writes thousands of rows: the indicator needs a few updates a second.
        controller.firstSyncProgress$.pipe(auditTime(200)).subscribe((value) => {
          // A first sync fills the replica: ask the browser not to evict it.
          if (value && !firstSyncProgress.value) void requestPersistentStorage();
          firstSyncProgress.value = value;
        }),
        controller.updateRequired$.subscribe((value) => (updateRequired.value = value)),
        controller.pendingKeys$.subscribe((value) => (pendingKeys.value = value)),
        controller.parkedPushes$.subscribe((value) => {
          parkedPushes.value = value;
          // A newly refused edit opens the review by itself, as a new conflict does.
          if (value.length > seenParked) conflictDialogOpen.value = true;
          if (value.length === 0 && conflicts.value.length === 0) conflictDialogOpen.value = false;
          seenParked = value.length;
        }),
        controller.openConflicts$.subscribe((value) => {
          conflicts.value = requestedFirst(value, requestedConflict);
          // A new conflict opens the dialog by itself; replication of the rest goes on.
          if (value.length > seenConflicts) conflictDialogOpen.value = true;
          if (value.length === 0 && parkedPushes.value.length === 0) conflictDialogOpen.value = false;
          seenConflicts = value.length;
        }),
      ];
      started.value = true;
      if (online.value) void refreshReadable();
    })();
    return opening;
  }

  /** Asks the server which repositories the user may read now, then pulls with that set. */
  async function refreshReadable(): Promise<void> {
    const current = controller;
    try {
      const status = await current?.transport.status();
      if (!status?.readable_repositories || current !== controller) return;
      selection.value?.setReadable(status.readable_repositories, status.offline_all_up_to);
      resync();
    } catch {
      // Offline or refused: the last known list stays; the next start or reconnect asks again.
    }
  }

  /** Whether the repository's tasks and documents are kept in this browser. */
  function isKeptOffline(uid: string): boolean {
    return selection.value?.isKept(uid) ?? true;
  }

  /** Whether this person may write the repository (uid or id), as the server's last list says. */
  function mayWrite(repository: string | number): boolean {
    return selection.value?.mayWrite(repository) ?? false;
  }

  /** Keeps a repository offline or not from now on: pulled, or taken out, on the next round. */
  function setKeptOffline(uid: string, keep: boolean): void {
    selection.value?.choose(uid, keep);
    // Keeping something offline is when the browser is asked not to evict the copy; the
    // indicator's details say what it answered.
    if (keep) void requestPersistentStorage();
    resync();
  }

  /** Going offline pauses replication (writes keep landing in the replica); online resumes it. */
  async function setOnline(value: boolean): Promise<void> {
    if (online.value === value) return;
    online.value = value;
    if (!controller) return;
    // Grants may have changed meanwhile: the list decides what is pulled and what leaves.
    if (value) await refreshReadable();
    if (value) await controller.resume();
    else await controller.pause();
  }

  /** Pull now: the tab became visible, the stream reconnected, or the safety-net timer fired. */
  function resync(): void {
    if (online.value) controller?.resync();
  }

  function retryAfterStorageFull(): void {
    controller?.retryAfterStorageFull();
  }

  async function resolveConflict(
    conflictId: string,
    resolution: ConflictResolution,
    merged?: DocState,
    hunks?: ConflictHunk[],
  ): Promise<void> {
    if (!controller) throw new Error('Sync has not started yet.');
    await controller.resolveConflict(conflictId, resolution, merged, hunks);
  }

  /** Opens the dialog on conflict `id`, as the "Resolve…" button of a document page asks. */
  function openConflict(id: string): void {
    requestedConflict = id;
    conflicts.value = requestedFirst(conflicts.value, id);
    conflictDialogOpen.value = true;
  }

  /** Sends a refused edit again, with `changes` (e.g. a shortened text); refused again, it is parked again. */
  async function retryParked(
    collection: CollectionName,
    uid: string,
    changes?: Record<string, unknown>,
  ): Promise<void> {
    if (!controller) throw new Error('Sync has not started yet.');
    await controller.retryParked(collection, uid, changes);
  }

  /** Drops a refused edit for good (the caller has asked the person). */
  async function discardParked(collection: CollectionName, uid: string): Promise<void> {
    if (!controller) throw new Error('Sync has not started yet.');
    await controller.discardParked(collection, uid);
  }

  /** Whether the row has an edit saved here that the server has not confirmed yet. */
  function isPending(collection: CollectionName, uid: string): boolean {
    return pendingKeys.value.has(`${collection}:${uid}`);
  }

  async function awaitInSync(): Promise<void> {
    await controller?.awaitInSync();
  }

  /**
   * Stops replication and closes the replica. With `discardReplica` (sign-out) the replica's
   * data and its record of pending edits are deleted from this browser, so the next person
   * at this computer finds nothing of it; otherwise the data stays for next time.
   */
  async function stopSync(options: { discardReplica?: boolean } = {}): Promise<void> {
    for (const subscription of subscriptions) subscription.unsubscribe();
    subscriptions = [];
    firstSyncProgress.value = null;
    await controller?.stop();
    controller = null;
    selection.value = null;
    const replica = replicaRef.value;
    replicaRef.value = null;
    if (options.discardReplica) {
      await replica?.remove();
      pendingStore?.save([]);
    } else {
      await replica?.close();
    }
    pendingStore = undefined;
    opening = null;
    started.value = false;
    updateRequired.value = false;
    collections.value = {};
    conflicts.value = [];
    parkedPushes.value = [];
    pendingKeys.value = new Set();
    pendingChanges.value = 0;
  }

  function openReplica(): Replica {
    if (!replicaRef.value) throw new Error('The offline replica is not open yet.');
    return replicaRef.value;
  }

  /**
   * The live rows of the query `build` makes, as plain objects; null while the replica is not
   * open. Reads `replicaRef`, so a `watchEffect` calling it re-runs when the replica opens.
   */
  function liveQuery<T>(build: (replica: Replica) => WatchableQuery | null): Observable<T[]> | null {
    const replica = replicaRef.value;
    if (!replica) return null;
    const query = build(replica);
    if (!query) return of([]);
    return liveRows<T>(query);
  }

  /** A local write bound to the open replica: what pages call, without seeing RxDB. */
  const onReplica =
    <A extends unknown[], R>(write: (replica: Replica, ...args: A) => R) =>
    (...args: A): R =>
      write(openReplica(), ...args);
  const createTask = onReplica(localWrites.createTask);
  const updateTask = onReplica(localWrites.updateTask);
  const deleteTask = onReplica(localWrites.deleteTask);
  const createDocument = onReplica(localWrites.createDocument);
  const updateDocument = onReplica(localWrites.updateDocument);
  const deleteDocument = onReplica(localWrites.deleteDocument);
  const saveDocumentEdit = onReplica(saveEditedDocument);
  const onDatabase =
    <A extends unknown[], R>(act: (database: Replica['database'], ...args: A) => R) =>
    (...args: A): R =>
      act(openReplica().database, ...args);
  const loadEditorDraft = onDatabase(editorDrafts.loadEditorDraft);
  const storeEditorDraft = onDatabase(editorDrafts.storeEditorDraft);
  const clearEditorDraft = onDatabase(editorDrafts.clearEditorDraft);

  return {
    syncStatus,
    lastSyncAt,
    pendingChanges,
    pendingKeys,
    conflicts,
    parkedPushes,
    lastError,
    collections,
    online,
    started,
    streamConnected,
    firstSyncProgress,
    storageFull,
    retryAfterStorageFull,
    updateRequired,
    conflictDialogOpen,
    liveQuery,
    isKeptOffline,
    mayWrite,
    setKeptOffline,
    refreshReadable,
    createTask,
    updateTask,
    deleteTask,
    createDocument,
    updateDocument,
    deleteDocument,
    saveDocumentEdit,
    loadEditorDraft,
    storeEditorDraft,
    clearEditorDraft,
    openConflict,
    /** Only for tests that inspect the replica directly; the app goes through the above. */
    replicaForTests: openReplica,
    startSync,
    setOnline,
    resync,
    resolveConflict,
    retryParked,
    discardParked,
    isPending,
    awaitInSync,
    stopSync,
  };
});
