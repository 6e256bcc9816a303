// Shared by both push transports: the session context, and how failures are told apart.
import type { BatchUpsertRequest, SyncCapabilities } from '@wikisync/shared';
import type { Database } from '../../../db/database.js';
import { PeerRequestError, SyncCancelledError } from '../../../errors.js';
import type { PeerClient } from '../peer-client.js';
import type { ProgressTracker } from '../progress-tracker.js';
import type { PushPlan } from './push-plan.js';

export interface PushContext {
  db: Database;
  client: PeerClient;
  tracker: ProgressTracker;
  signal: AbortSignal;
  targetId: number;
  /** The target's key as a source (`sync_id_map`): rows we pulled from it go back under its ids. */
  peerKey: string;
  plan: PushPlan;
  clear: boolean;
  capabilities: SyncCapabilities | undefined;
}

/**
 * The repository's `repository-upsert`, which a small push to one of ours may carry in its one
 * `batch-upsert` instead (the `repository` batch option).
 */
export interface RepositoryUpsert {
  /** `repository-upsert`'s body. */
  body: NonNullable<BatchUpsertRequest['repository']>;
  /** Sends `repository-upsert` (once); settles when the receiver holds the repository. */
  ready(): Promise<void>;
  /** A batch carried it: records the receiver's answer, as `ready` does its own. */
  carried(answer: { repository_id: number }): Promise<void>;
}

export interface PushResult {
  failures: number;
}

export function checkCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new SyncCancelledError();
}

/** A peer that cannot be reached fails the session; any other failure fails one row. */
export function isFatal(error: unknown): boolean {
  return (
    error instanceof SyncCancelledError || (error instanceof PeerRequestError && error.status === undefined)
  );
}

export function now(): string {
  return new Date().toISOString();
}
