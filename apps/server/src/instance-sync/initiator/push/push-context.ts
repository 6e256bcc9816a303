// Shared by both push transports: the session context, and how failures are told apart.
import type { SyncCapabilities } from '@wikisync/shared';
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
