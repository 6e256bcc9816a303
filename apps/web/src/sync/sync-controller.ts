// The contract between the replication wiring (replication.ts) and its callers: the options
// `startReplication` takes, the per-collection status it reports, and the controller it
// returns to the sync store. Kept apart so the wiring file holds only the wiring.
import type { Observable } from 'rxjs';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import type { CollectionName, ConflictHunk, ConflictResolution, ReadableRepository } from '@wikisync/shared';
import type { SelectionCheckpoint } from './selected-pull';
import type { DocState, SyncConflictDoc } from './conflict-schema';
import type { FetchLike, SyncTransport } from './sync-transport';
import type { PendingStore } from './pending-tracker';
import type { SkippedRow } from './skipped-rows';
import type { ParkedPush } from './parked-pushes';
import type { FirstSyncProgress } from './first-sync-progress';

/**
 * Rows per pull request. A first sync is mostly per-request work (a round trip, two RxDB bulk
 * writes, a checkpoint), so larger pages fetch a replica faster; 500 documents of a few KB are
 * a couple of MB per answer, well below the server's cap of 1,000 rows.
 */
export const DEFAULT_PULL_BATCH_SIZE = 500;

/** The `errorCode` of a collection whose pulled rows no longer fit in this browser. */
export const STORAGE_FULL_CODE = 'STORAGE_FULL';

export interface SyncOptions {
  /** Origin of the server; '' for the page's own origin. */
  baseUrl: string;
  getToken: () => string | null;
  fetch?: FetchLike;
  /** Keep replicating as changes happen (default true); false runs one round and stops. */
  live?: boolean;
  /** Listen to the server's change stream (default true when live). */
  stream?: boolean;
  /** Wait before retrying a failed request (ms, default 5000). */
  retryTime?: number;
  pullBatchSize?: number;
  pushBatchSize?: number;
  /** In a browser with several tabs, replicate only in the leader tab (default true). */
  waitForLeadership?: boolean;
  /** Start paused, as after a reload without network (default false). */
  startOffline?: boolean;
  /** Keeps the pending count across reloads and tabs (the browser passes localStorage). */
  pendingStore?: PendingStore;
  /** Reconnect delays of the change stream (ms). */
  streamRetry?: { min: number; max: number };
  /**
   * The repository ids whose tasks and documents this browser keeps, read at every pull;
   * null or absent: every readable repository. Call `resync()` after it changed.
   */
  offlineRepositories?: () => number[] | null;
  /**
   * False while the repositories to keep are not known yet (a first start, before the server
   * has named the readable ones): `offlineRepositories` then answers none, its pulls of tasks
   * and documents fetch nothing, and they are not the first sync's download. Default true.
   */
  selectionKnown?: () => boolean;
  /**
   * The repositories the server says the user may read now (its status), read at every pull;
   * null while not heard in this run. With it, rows of repositories not kept or no longer
   * readable leave the replica (dropped-rows.ts); without it nothing is purged.
   */
  readableRepositories?: () => readonly ReadableRepository[] | null;
  /** Told the readable repository ids when the server announces a grant given or taken. */
  onAccess?: (readableIds: number[]) => void;
  /** The protocol version this client speaks (default: the one it was built with). */
  protocolVersion?: string;
}

export interface CollectionSyncStatus {
  /** A pull or push is running. */
  active: boolean;
  /** The last failure's message, cleared by the next success. */
  error: string | null;
  /** The server's error code for that failure (NETWORK when no answer came), so the UI can
   * say it in the reader's language; null for failures that carry none. */
  errorCode: string | null;
  /** When a pull or push last succeeded. */
  lastSyncedAt: string | null;
}

export type SyncState = RxReplicationState<Record<string, unknown>, SelectionCheckpoint>;

export interface SyncController {
  readonly transport: SyncTransport;
  readonly states: Record<CollectionName, SyncState>;
  readonly status$: Observable<Record<CollectionName, CollectionSyncStatus>>;
  /** Local edits not yet confirmed by the server. */
  readonly pendingCount$: Observable<number>;
  readonly streamConnected$: Observable<boolean>;
  /** The server speaks another protocol MAJOR: replication has stopped until a reload. */
  readonly updateRequired$: Observable<boolean>;
  /** True between pause() and resume(). */
  readonly paused$: Observable<boolean>;
  /** Recorded conflicts waiting for the user, oldest first. */
  readonly openConflicts$: Observable<SyncConflictDoc[]>;
  /** Server rows this replica could not store (see pulled-rows.ts), oldest first. */
  readonly skippedRows$: Observable<SkippedRow[]>;
  /** Local edits the server refused for good (parked-pushes.ts), oldest first. */
  readonly parkedPushes$: Observable<ParkedPush[]>;
  /** Rows with local edits the server has not confirmed yet, as `collection:uid` keys. */
  readonly pendingKeys$: Observable<ReadonlySet<string>>;
  /** The first sync's exact "n of N" (first-sync-progress.ts); null when none ran. */
  readonly firstSyncProgress$: Observable<FirstSyncProgress | null>;
  /** After the person freed space: pull again the collections stopped by a full storage. */
  retryAfterStorageFull(): void;
  /** Writes a parked edit back, with `changes` (e.g. a shortened text), so it is pushed again. */
  retryParked(collection: CollectionName, uid: string, changes?: Record<string, unknown>): Promise<void>;
  /** Drops a parked edit for good. */
  discardParked(collection: CollectionName, uid: string): Promise<void>;
  /**
   * Stop talking to the server (going offline); local writes keep working and queue.
   * While paused, `awaitInSync()` waits for resume.
   */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Pull now (e.g. after the tab comes back to the foreground). */
  resync(): void;
  /** Resolves when everything local is pushed and everything remote pulled. */
  awaitInSync(): Promise<void>;
  resolveConflict(
    conflictId: string,
    resolution: ConflictResolution,
    merged?: DocState,
    /** The colliding line hunks with their decisions, for the server's log. */
    hunks?: ConflictHunk[],
  ): Promise<Record<string, unknown> | null>;
  /** Ends replication for good (sign-out); the replica stays open. */
  stop(): Promise<void>;
}
