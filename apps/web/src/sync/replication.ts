// Wires RxDB replication for the three collections against `/api/v1/sync`: pull through the
// changes feed, push as compare-and-set rows, live through the SSE change stream. Returns a
// small controller for the UI: status observables, pause/resume for offline, resync, and
// the recorded conflicts.
import { SelectedPuller } from './selected-puller';
import type { SelectionCheckpoint } from './selected-pull';
import { TabStatusChannel } from './tab-status';
import {
  BehaviorSubject,
  combineLatest,
  distinctUntilChanged,
  map,
  type Observable,
  type Subscription,
} from 'rxjs';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { REPLICATION_COLLECTIONS, type CollectionName } from '@wikisync/shared';
import type { Replica } from './replica';
import { CONFLICT_STATUS, type SyncConflictDoc } from './conflict-schema';
import { createChangeStream, type ChangeStream } from './change-stream';
import { createSyncTransport, type WireDoc } from './sync-transport';
import { PendingTracker } from './pending-tracker';
import { resolveRecordedConflict } from './resolve-recorded-conflict';
import { OnlineGate } from './online-gate';
import { SkippedRows } from './skipped-rows';
import { pushIsolatingRefusals, type IsolatedPush } from './push-isolation';
import { isPermanentPushRefusal, isUpdateRequired, missingOwners, type SyncHttpError } from './errors';
import { FirstSyncProgressTracker } from './first-sync-progress';
import { isQuotaExceeded } from './storage-quota';
import { STORAGE_FULL_CODE } from './sync-controller';
import { CompatibilityGate } from './compatibility-gate';
import { wirePushRow } from './wire-document';
import { ACCESS_LOST, isPurgeTombstone, RowPurge } from './dropped-rows';
import {
  DEFAULT_PULL_BATCH_SIZE,
  type CollectionSyncStatus,
  type SyncController,
  type SyncOptions,
  type SyncState,
} from './sync-controller';

export {
  DEFAULT_PULL_BATCH_SIZE,
  type CollectionSyncStatus,
  type SyncController,
  type SyncOptions,
} from './sync-controller';

const emptyStatus = (): CollectionSyncStatus => ({
  active: false,
  error: null,
  errorCode: null,
  lastSyncedAt: null,
});

export function startReplication(replica: Replica, options: SyncOptions): SyncController {
  const live = options.live ?? true;
  const transport = createSyncTransport({
    baseUrl: options.baseUrl,
    getToken: options.getToken,
    fetch: options.fetch,
    protocolVersion: options.protocolVersion,
  });
  // Checked on connect, before the first pull or push (compatibility-gate.ts).
  const compatible = new CompatibilityGate(transport.protocolVersion, transport.status);
  const pending = new PendingTracker(options.pendingStore);
  const skipped = new SkippedRows(replica.database);
  const parked = replica.parkedPushes;
  const gate = new OnlineGate();
  // Before any replication starts: an idle, "healthy" start while offline must not count as
  // having settled the pending edits of an earlier session.
  if (options.startOffline) gate.setOnline(false);
  const statuses = new Map(REPLICATION_COLLECTIONS.map((c) => [c, new BehaviorSubject(emptyStatus())]));
  // With several tabs on one replica only the leader replicates; the others show its status.
  const waitForLeadership = options.waitForLeadership ?? true;
  const tabs =
    waitForLeadership && replica.database.multiInstance && typeof BroadcastChannel !== 'undefined'
      ? new TabStatusChannel(
          replica.database.name,
          () => replica.database.isLeader(),
          () => [...statuses].map(([collection, subject]) => [collection, subject.value]),
          (collection, status) => statuses.get(collection)!.next(status),
          { known: () => compatible.updateRequired, heard: () => compatible.requireUpdate() },
        )
      : null;
  const update = (collection: CollectionName, patch: Partial<CollectionSyncStatus>) => {
    // A tab that does not replicate takes its statuses from the leader, over `tabs`.
    if (tabs && !replica.database.isLeader()) return;
    const subject = statuses.get(collection)!;
    subject.next({ ...subject.value, ...patch });
    tabs?.publish(collection, subject.value);
  };
  const succeeded = (collection: CollectionName) =>
    // A full storage stays on screen until the person retries, whatever succeeds meanwhile.
    replica.quota.isFull(collection)
      ? update(collection, { lastSyncedAt: new Date().toISOString() })
      : update(collection, { error: null, errorCode: null, lastSyncedAt: new Date().toISOString() });
  // N counts what the pulls will serve: tasks and documents of the kept repositories, and
  // every readable repository row (the repositories collection is pulled unfiltered).
  const progress = new FirstSyncProgressTracker(async () => {
    const kept = options.offlineRepositories?.() ?? null;
    const [all, selected] = await Promise.all([transport.status(), kept ? transport.status(kept) : null]);
    if (!selected) return all;
    return {
      ...selected,
      collections: { ...selected.collections, repositories: all.collections.repositories },
    };
  });

  const streamConnected = new BehaviorSubject(false);
  const stream: ChangeStream | null =
    live && options.stream !== false
      ? createChangeStream({
          url: transport.streamUrl,
          headers: transport.streamHeaders,
          fetch: transport.fetch,
          minRetryMs: options.streamRetry?.min,
          maxRetryMs: options.streamRetry?.max,
          onConnected: () => streamConnected.next(true),
          onError: () => streamConnected.next(false),
          onAccess: options.onAccess,
        })
      : null;

  const subscriptions: Subscription[] = [];
  const states = {} as Record<CollectionName, SyncState>;
  /** Collections whose last push failed (a pull succeeding meanwhile must not hide it). */
  const pushFailing = new Set<CollectionName>();
  const settling = new Set<CollectionName>();
  const pullers = Object.fromEntries(
    REPLICATION_COLLECTIONS.map((collection) => [
      collection,
      new SelectedPuller(
        collection,
        (checkpoint, limit, repositories) => transport.changes(collection, checkpoint, limit, repositories),
        options.getToken,
      ),
    ]),
  ) as Record<CollectionName, SelectedPuller>;
  const forgetReadAhead = () => Object.values(pullers).forEach((puller) => puller.clear());
  // Repository rows are small and list every readable repository, kept offline or not; only
  // tasks and documents (the bulk) follow the choice.
  const selectionFor = (collection: CollectionName) =>
    collection === 'repositories' ? null : (options.offlineRepositories?.() ?? null);
  /** Rows of repositories no longer kept or readable leave the replica (dropped-rows.ts). */
  const purge = new RowPurge(
    replica,
    () => options.readableRepositories?.() ?? null,
    () => options.offlineRepositories?.() ?? null,
  );
  /**
   * A 409 for an owner row this replica has (a new task's document, sent before or while the
   * tasks' push goes) passes once that owner's push is through: not a refusal for good. The
   * owner may have been pushed and settled while the refused batch was on its way, so "still
   * pending" alone is not enough: an owner present here and not itself parked is on its way.
   * Only an owner this replica lacks (or holds deleted, or holds refused) makes it final.
   */
  const ownerOnItsWay = async (collection: 'repositories' | 'tasks', uid: string) => {
    if (pending.has(collection, uid)) return true;
    if (parked.find(collection, uid)) return false;
    const row = await replica.collection(collection).findOne(uid).exec();
    return row !== null && !row.deleted;
  };
  const refusedForGood = async (error: unknown) => {
    if (!isPermanentPushRefusal(error)) return false;
    if (error.status !== 409) return true;
    const missing = missingOwners(error);
    // A repository the user can no longer read is "missing" for good, however present here.
    const { lost } = await purge.dropped();
    const onTheirWay = await Promise.all([
      ...missing.repositories.map((uid) => !lost.has(uid) && ownerOnItsWay('repositories', uid)),
      ...missing.tasks.map((uid) => ownerOnItsWay('tasks', uid)),
    ]);
    return !onTheirWay.some(Boolean);
  };
  for (const collection of REPLICATION_COLLECTIONS) {
    const rxCollection = replica.collection(collection);
    pending.watch(collection, rxCollection);
    const state = replicateRxCollection<Record<string, unknown>, SelectionCheckpoint>({
      replicationIdentifier: `wikisync-${collection}-${options.baseUrl || 'same-origin'}/api/v1/sync`,
      collection: rxCollection,
      live,
      retryTime: options.retryTime ?? 5000,
      waitForLeadership,
      autoStart: true,
      pull: {
        batchSize: options.pullBatchSize ?? DEFAULT_PULL_BATCH_SIZE,
        handler: async (checkpoint, batchSize) => {
          await gate.pass();
          await compatible.pass();
          // Storage full: pull nothing (RxDB stops this round, no retry loop) until Retry;
          // the replica stays readable and its checkpoint stays at the last rows written.
          if (replica.quota.isFull(collection)) return { documents: [], checkpoint };
          const selected = selectionFor(collection);
          // Before the server names the repositories to keep, this pull fetches nothing: it is
          // not this collection's first sync, which comes once they are known (read together
          // with `selected`, so both describe the same moment).
          const counted = selected?.length !== 0 || options.selectionKnown?.() !== false;
          if (counted) progress.pulling(collection, checkpoint?.server_version ?? 0);
          const batch = await pullers[collection].pull(
            checkpoint ?? undefined,
            selected,
            batchSize,
            gate.isOnline,
          );
          await skipped.record(collection, batch.refused, batch.accepted);
          // Rows this replica cannot store are done with too: they are part of N.
          progress.written(collection, batch.refused.length);
          if (counted && batch.documents.length < batchSize) progress.lastPage(collection);
          // Rows of repositories no longer kept leave with the same batch, as deleted master
          // states (never pushed). The page itself is untouched, so a full page stays full.
          const leaving = await purge.tombstones(
            collection,
            (uid) => pending.has(collection, uid),
            batchSize,
            () => states[collection].awaitInSync(),
            () => pending.hasAny(collection),
          );
          succeeded(collection);
          return { documents: [...leaving, ...batch.documents], checkpoint: batch.checkpoint };
        },
        stream$: stream?.for(collection),
      },
      push: {
        batchSize: options.pushBatchSize ?? 100,
        handler: async (rxRows) => {
          // The purge's own tombstones never reach the server (dropped-rows.ts says how RxDB
          // can try to push one): taken as sent, they stay local until the purge removes them.
          const rows = rxRows
            .map(wirePushRow)
            .filter((row) => !isPurgeTombstone(row.newDocumentState as WireDoc));
          if (rows.length === 0) return [];
          await gate.pass();
          await compatible.pass();
          const sent = rows.map((row) => row.newDocumentState as WireDoc);
          // RxDB's base for a refused new row is the refused state, never on the server.
          const baseOf = (row: (typeof rows)[number]) =>
            parked.isUnsentNewRow(collection, (row.newDocumentState as WireDoc).uid)
              ? null
              : ((row.assumedMasterState ?? null) as WireDoc | null);
          let result: IsolatedPush<(typeof rows)[number], WireDoc>;
          try {
            result = await pushIsolatingRefusals(
              rows,
              async (batch) =>
                (
                  await transport.push(
                    collection,
                    batch.map((row) => ({
                      assumed_master_state: baseOf(row),
                      new_document_state: row.newDocumentState as WireDoc,
                    })),
                  )
                ).conflicts,
              refusedForGood,
            );
          } catch (error) {
            pushFailing.add(collection);
            // Not a refusal of these rows: they stay queued for the reloaded app.
            if (isUpdateRequired(error)) compatible.requireUpdate();
            throw error;
          }
          // Parked before returning: the conflict handler asks `isParked` as soon as we do.
          // An edit to a repository no longer readable is parked as such, and its rows leave
          // on the next round, which is asked for at once.
          const isLost = result.refused.length > 0 ? await purge.lostTest(collection) : () => false;
          const lostOf = (row: (typeof rows)[number]) => isLost(row.newDocumentState as WireDoc);
          await parked.park(
            result.refused.map(({ row, error }) => ({
              collection_name: collection,
              uid: (row.newDocumentState as WireDoc).uid,
              state: row.newDocumentState as WireDoc,
              server_had_row: baseOf(row) !== null,
              code: lostOf(row) ? ACCESS_LOST : (error as SyncHttpError).code,
              reason: (error as SyncHttpError).message,
              details: (error as SyncHttpError).details,
            })),
          );
          pushFailing.delete(collection);
          const refusedUids = new Set([
            ...result.conflicts.map((doc) => doc.uid),
            ...result.refused.map(({ row }) => (row.newDocumentState as WireDoc).uid),
          ]);
          await parked.confirmSent(
            collection,
            sent.map((doc) => doc.uid).filter((uid) => !refusedUids.has(uid)),
          );
          pending.settle(collection, sent, refusedUids);
          succeeded(collection);
          if (result.refused.some(({ row }) => lostOf(row))) setTimeout(() => states[collection].reSync(), 0);
          // A refused row the server has goes back to the server's state (parked-pushes.ts):
          // answered as a conflict with the last state RxDB knows there.
          const reverted = result.refused.flatMap(({ row }) => {
            const base = baseOf(row);
            return base ? [base] : [];
          });
          return [...result.conflicts, ...reverted];
        },
      },
    });
    subscriptions.push(
      state.received$.subscribe(() => progress.written(collection)),
      state.active$.pipe(distinctUntilChanged()).subscribe((active) => {
        update(collection, { active });
        if (!active) progress.idle(collection);
        // Idle is not enough to call everything pushed: RxDB goes idle between push batches,
        // and a pull succeeding does not mean a refused push went through. Settle only once
        // RxDB reports the collection in sync and its last push succeeded.
        if (!active && gate.isOnline && !settling.has(collection)) {
          settling.add(collection);
          state
            .awaitInSync()
            .then(() => {
              if (!pushFailing.has(collection) && gate.isOnline) pending.settleAll(collection);
            })
            .catch(() => {})
            .finally(() => settling.delete(collection));
        }
      }),
      state.error$.subscribe((error) => {
        if (isQuotaExceeded(error)) {
          update(collection, {
            error:
              'Storage is full on this device: free space or keep fewer repositories offline, then Retry.',
            errorCode: STORAGE_FULL_CODE,
          });
          return;
        }
        // RxDB wraps handler failures (as plain JSON) in RC_PULL / RC_PUSH; show our message.
        // RxDB keeps the error's `code` when it makes it plain JSON: SyncHttpError's wire code.
        const cause = (error as { parameters?: { errors?: { message?: unknown; code?: unknown }[] } })
          .parameters?.errors?.[0];
        update(collection, {
          error: typeof cause?.message === 'string' ? cause.message : error.message,
          errorCode: typeof cause?.code === 'string' ? cause.code : null,
        });
      }),
    );
    states[collection] = state;
  }
  if (!options.startOffline) stream?.start();
  // Only this tab may have heard the 426; the app in every tab is the outdated one.
  if (tabs)
    subscriptions.push(
      compatible.updateRequired$.pipe(distinctUntilChanged()).subscribe((required) => {
        if (required) tabs.publishUpdateRequired();
      }),
    );
  // Elected later (the replicating tab closed): this tab's statuses are now the ones to show.
  if (tabs)
    replica.database
      .waitForLeadership()
      .then(() => tabs.publishAll())
      .catch(() => {}); // closed before it was elected

  const status$ = combineLatest(
    Object.fromEntries(REPLICATION_COLLECTIONS.map((c) => [c, statuses.get(c)!.asObservable()])) as Record<
      CollectionName,
      Observable<CollectionSyncStatus>
    >,
  );
  const openConflicts$ = replica.collections.sync_conflicts
    .find({ selector: { status: CONFLICT_STATUS.open } })
    .$.pipe(
      map((docs) =>
        docs
          .map((doc) => doc.toMutableJSON() as SyncConflictDoc)
          .sort((a, b) => a.recorded_at.localeCompare(b.recorded_at)),
      ),
    );

  return {
    transport,
    states,
    status$,
    pendingCount$: pending.count$,
    streamConnected$: streamConnected.pipe(distinctUntilChanged()),
    paused$: gate.paused$.pipe(distinctUntilChanged()),
    updateRequired$: compatible.updateRequired$.pipe(distinctUntilChanged()),
    openConflicts$,
    skippedRows$: skipped.rows$,
    parkedPushes$: replica.parkedPushes.rows$,
    pendingKeys$: pending.keys$,
    firstSyncProgress$: progress.progress$,
    retryAfterStorageFull() {
      for (const collection of REPLICATION_COLLECTIONS) {
        // A collection says "storage is full" when any of its writes met the quota, also one
        // the guard does not hold back (which one was not pinned down; RxDB's checkpoint write
        // is likely): Retry restarts those too, or their message stayed for good and the
        // download never finished.
        const stopped =
          replica.quota.isFull(collection) || statuses.get(collection)!.value.errorCode === STORAGE_FULL_CODE;
        if (!stopped) continue;
        replica.quota.release(collection);
        update(collection, { error: null, errorCode: null });
        states[collection].reSync();
      }
    },
    retryParked: (collection, uid, changes) => replica.parkedPushes.retry(collection, uid, changes),
    discardParked: (collection, uid) => replica.parkedPushes.discard(collection, uid),
    async pause() {
      gate.setOnline(false);
      forgetReadAhead();
      stream?.stop();
      streamConnected.next(false);
    },
    async resume() {
      gate.setOnline(true);
      stream?.start();
      for (const state of Object.values(states)) state.reSync();
    },
    resync() {
      for (const state of Object.values(states)) state.reSync();
    },
    async awaitInSync() {
      await Promise.all(Object.values(states).map((state) => state.awaitInSync()));
    },
    resolveConflict: (conflictId, resolution, merged, hunks) =>
      resolveRecordedConflict(replica, transport, conflictId, resolution, merged, hunks),
    async stop() {
      gate.stop();
      compatible.stop();
      forgetReadAhead();
      tabs?.close();
      stream?.stop();
      for (const subscription of subscriptions) subscription.unsubscribe();
      pending.stop();
      await Promise.all(Object.values(states).map((state) => state.cancel()));
    },
  };
}
