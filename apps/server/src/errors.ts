// Every failure the server can explain to a caller is one of these named classes. They carry
// a wire `code` and a message that says what went wrong and what to do; `http/error-handler.ts`
// turns them into responses, and nothing below the routes knows about HTTP.
import {
  ERROR_CODES,
  ERROR_REASONS,
  type ErrorCode,
  type ErrorParams,
  type ErrorReason,
  type ValidationIssue,
} from '@wikisync/shared';

/**
 * What lets a client say the failure in its reader's language (shared error-details.ts): the
 * fields found wrong, or which failure this is with its values. The message stays complete.
 */
export interface ErrorDetails {
  issues?: ValidationIssue[];
  reason?: ErrorReason;
  params?: ErrorParams;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super(ERROR_CODES.BAD_REQUEST, message, details);
  }
}

export class InvalidJsonError extends AppError {
  constructor(detail: string) {
    super(ERROR_CODES.INVALID_JSON, `The request body is not valid JSON (${detail}); send a JSON object.`);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super(ERROR_CODES.VALIDATION_FAILED, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Send a valid token as "Authorization: Bearer <token>".') {
    super(ERROR_CODES.UNAUTHORIZED, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.FORBIDDEN, message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(ERROR_CODES.NOT_FOUND, `${what} was not found, or you have no access to it.`);
  }
}

export class ConflictError extends AppError {
  /** The current server state, when the caller needs it to try again. */
  readonly current: unknown;
  constructor(message: string, current?: unknown, details?: ErrorDetails) {
    super(ERROR_CODES.CONFLICT, message, details);
    this.current = current;
  }
}

/**
 * A REST write sent with If-Match named a version the row no longer has: someone else wrote it
 * since the caller read it. Nothing was written; `current` is the row as it is now and
 * `currentVersion` its version, so the caller can show both and send again.
 */
export class PreconditionFailedError extends AppError {
  readonly current: unknown;
  readonly currentVersion: number;
  constructor(what: string, expected: number, current: unknown, currentVersion: number) {
    super(
      ERROR_CODES.PRECONDITION_FAILED,
      `${what} was changed since you read it (you sent If-Match "${expected}", it is now ` +
        `"${currentVersion}"); nothing was written. The current row is in data: compare it with ` +
        'your change, then send it again with If-Match set to its ETag.',
      { reason: ERROR_REASONS.versionMismatch, params: { expected, current: currentVersion } },
    );
    this.current = current;
    this.currentVersion = currentVersion;
  }
}

/**
 * A replication push names owners (repositories, tasks) the server does not have. Nothing
 * is written; the client retries later, typically after it has pushed the owners.
 */
export class MissingReferencesError extends ConflictError {
  constructor(missing: { repositories: string[]; tasks: string[] }) {
    const parts = [
      missing.repositories.length > 0 ? `repositories ${missing.repositories.join(', ')}` : '',
      missing.tasks.length > 0 ? `tasks ${missing.tasks.join(', ')}` : '',
    ].filter((part) => part !== '');
    super(
      `The push refers to ${parts.join(' and ')}, which the server does not have; nothing was written. ` +
        'Push those rows first, then send this push again.',
      { missing },
      {
        reason: ERROR_REASONS.missingReferences,
        params: { repositories: missing.repositories.join(', '), tasks: missing.tasks.join(', ') },
      },
    );
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(
      ERROR_CODES.PAYLOAD_TOO_LARGE,
      `The request body is larger than ${limitBytes} bytes; send less data per request.`,
      { reason: ERROR_REASONS.bodyTooLarge, params: { limit: limitBytes } },
    );
  }
}

/** A conflict-log entry larger than the log keeps; see replication/conflict-log.ts. */
export class ConflictEntryTooLargeError extends AppError {
  constructor(localBytes: number, limitBytes: number, part: 'local' | 'hunks' = 'local') {
    super(
      ERROR_CODES.PAYLOAD_TOO_LARGE,
      `${part} is ${localBytes} bytes, more than the ${limitBytes} the conflict log keeps for this row; ` +
        (part === 'local'
          ? 'send your own state of this row as local, not other data.'
          : 'send only the colliding lines of this row as hunks, or leave hunks out.'),
    );
  }
}

export class TooManyRequestsError extends AppError {
  /** Sent as Retry-After: when trying again may succeed. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, retryAfterSeconds?: number) {
    super(ERROR_CODES.TOO_MANY_REQUESTS, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The server is at a capacity limit right now; the caller should come back later. */
export class ServiceUnavailableError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(ERROR_CODES.SERVICE_UNAVAILABLE, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A sync client built for another protocol MAJOR (shared client-compatibility.ts). */
export class ClientUpdateRequiredError extends AppError {
  constructor(clientVersion: string, serverVersion: string) {
    super(
      ERROR_CODES.CLIENT_UPDATE_REQUIRED,
      `This app speaks sync protocol ${clientVersion}, but the server speaks ${serverVersion}; ` +
        'nothing was stored. Reload the page to update the app.',
      { params: { client: clientVersion, server: serverVersion } },
    );
  }
}

/** A bad setting found at start-up; the process prints it and exits. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The embedded database's directory is held by another process (db/data-dir-lock.ts). */
export class DataDirLockedError extends ConfigError {
  constructor(dataDir: string, holder: { pid: number; role: string; since: string } | null) {
    const who = holder
      ? `${holder.role} (process ${holder.pid}, since ${holder.since})`
      : 'another process that is starting';
    super(
      `The embedded database in ${dataDir} is in use by ${who}. Only one process may open it at a ` +
        'time: stop that process first (Ctrl+C in its terminal), then run this again. To run the ' +
        'CLI beside a running server, use PostgreSQL (DATABASE_URL), which any number of ' +
        'processes share.',
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * A call to another server failed after its retries, or its answer was not what the endpoint
 * promises; names the peer and the cause. Answered 502: the peer failed, not our caller.
 */
export class PeerRequestError extends AppError {
  /** The peer's HTTP status, or undefined when no answer came back. */
  readonly status: number | undefined;
  /** True when trying again later might work (no answer, timeout, 5xx, 429). */
  readonly retryable: boolean;
  constructor(message: string, status: number | undefined, retryable: boolean) {
    super(ERROR_CODES.BAD_GATEWAY, message);
    this.status = status;
    this.retryable = retryable;
  }
}

/** A sync session was cancelled by an operator while it ran. */
export class SyncCancelledError extends Error {
  constructor() {
    super('The sync was cancelled by an operator.');
    this.name = 'SyncCancelledError';
  }
}

/** A sync that would damage the peer's data is refused before it writes anything. */
export class SyncRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncRefusedError';
  }
}
