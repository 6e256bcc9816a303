// Named failures of the sync core, so the UI can tell "offline" from "refused" from
// "someone else changed it meanwhile".

/** The server answered with a failure envelope (or not at all: status 0). */
export class SyncHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'SyncHttpError';
  }
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
