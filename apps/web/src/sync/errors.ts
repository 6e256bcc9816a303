// Named failures of the sync core, so the UI can tell "offline" from "refused" from
// "someone else changed it meanwhile".
import type { FailureDetails } from '../api/envelope';

/** The server answered with a failure envelope (or not at all: status 0). */
export class SyncHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly data?: unknown,
    /** Lets the UI say the failure in the reader's language (i18n/error-message.ts). */
    readonly details?: FailureDetails,
  ) {
    super(message);
    this.name = 'SyncHttpError';
  }
}

/**
 * The replica in this browser was written by a newer version of the app than the one loaded
 * (replica-versions.ts). Its data stays untouched; reloading the page loads the newer app.
 */
export class ReplicaNewerThanAppError extends Error {
  constructor(readonly collections: string[]) {
    super(
      `The offline copy in this browser was written by a newer version of the app (${collections.join(', ')}); ` +
        'reload the page to update.',
    );
    this.name = 'ReplicaNewerThanAppError';
  }
}

/** The server speaks another protocol MAJOR than this app (or said so by refusing a write). */
export const CLIENT_UPDATE_REQUIRED = 'CLIENT_UPDATE_REQUIRED';

export function isUpdateRequired(error: unknown): boolean {
  return error instanceof SyncHttpError && error.code === CLIENT_UPDATE_REQUIRED;
}

/** resolve-conflict found the server row changed since the user looked; show it again. */
export class ConflictMovedError extends Error {
  constructor(readonly current: Record<string, unknown> | null) {
    super(
      'The server row changed since this conflict was recorded; review the new server state and choose again.',
    );
    this.name = 'ConflictMovedError';
  }
}

export class ConflictNotFoundError extends Error {
  constructor(id: string) {
    super(`No open sync conflict "${id}"; it may have been resolved already.`);
    this.name = 'ConflictNotFoundError';
  }
}

/**
 * Push failures the server will answer the same way however often they are sent: a body over
 * its limit (413), an owner row it does not have (409), rows it finds invalid (400, 422) or a
 * write it forbids (403). Retrying such a batch would block its collection for good, so its bad
 * rows are parked instead (parked-pushes.ts). Everything else (no answer, 401, 408, 429, 5xx)
 * may pass later and is retried.
 */
const PERMANENT_PUSH_STATUSES = new Set([400, 403, 409, 413, 422]);

export function isPermanentPushRefusal(error: unknown): error is SyncHttpError {
  return error instanceof SyncHttpError && PERMANENT_PUSH_STATUSES.has(error.status);
}

/** The owner rows a 409 says the server lacks (MissingReferencesError's `data.missing`). */
export function missingOwners(error: SyncHttpError): { repositories: string[]; tasks: string[] } {
  const missing = (error.data as { missing?: { repositories?: unknown; tasks?: unknown } } | undefined)
    ?.missing;
  const list = (value: unknown) =>
    Array.isArray(value) ? value.filter((uid): uid is string => typeof uid === 'string') : [];
  return { repositories: list(missing?.repositories), tasks: list(missing?.tasks) };
}
