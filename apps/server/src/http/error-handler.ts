// The one place where failures become HTTP responses: named AppErrors keep their message
// (a peer that failed or answered wrongly is a 502, never a 4xx that blames our caller),
// database errors caused by bad input become 4xx, a lost database connection is a 503 the
// caller may retry, anything else is a logged 500.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CODES, type ErrorCode, type ErrorEnvelope } from '@wikisync/shared';
import { entityTag } from './if-match.js';
import { processLogger, type Logger } from '../ops/logger.js';
import {
  AppError,
  ConflictError,
  PayloadTooLargeError,
  PreconditionFailedError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '../errors.js';

const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
  BAD_GATEWAY: 502,
  INTERNAL_ERROR: 500,
  CLIENT_UPDATE_REQUIRED: 426,
};

/**
 * PostgreSQL error classes that can only come from the values a caller sent (a string with
 * a NUL byte, a number out of range, JSON nested past the limit), answered as 400.
 */
function databaseInputError(error: unknown): string | null {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  if (code.startsWith('22'))
    return 'A value in the request cannot be stored (invalid text or number out of range).';
  if (code === '54000' || code === '54001')
    return 'The request is nested too deeply or is too complex to store.';
  return null;
}

/** postgres.js's codes for a connection that closed, or could not be opened, under a query. */
const LOST_CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);

/**
 * The database went away under the request (restarted, failed over, its connections
 * terminated, or not accepting connections yet): SQLSTATE classes 08 and 57P, too many
 * connections, or the driver's own lost-connection codes. Nothing about the request was wrong;
 * the same request a moment later normally succeeds, so it is a 503 with Retry-After.
 */
export function databaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return (
    LOST_CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P') || code === '53300'
  );
}

const DATABASE_RETRY_SECONDS = 1;

export function errorResponse(c: Context, code: ErrorCode, message: string, extra?: object) {
  const body: ErrorEnvelope & Record<string, unknown> = { code, error: message, ...extra };
  return c.json(body, STATUS_BY_CODE[code]);
}

export function handleError(error: Error, c: Context) {
  if (error instanceof PreconditionFailedError) {
    c.header('ETag', entityTag(error.currentVersion));
    return errorResponse(c, error.code, error.message, { ...error.details, data: error.current });
  }
  if (error instanceof ConflictError && error.current !== undefined) {
    return errorResponse(c, error.code, error.message, { ...error.details, data: error.current });
  }
  if (
    (error instanceof TooManyRequestsError || error instanceof ServiceUnavailableError) &&
    error.retryAfterSeconds !== undefined
  ) {
    c.header('Retry-After', String(error.retryAfterSeconds));
  }
  // A body refused unread leaves the rest of it on the connection: close it, and say so, or a
  // client that reuses the connection loses its next request ("other side closed").
  if (error instanceof PayloadTooLargeError) c.header('Connection', 'close');
  if (error instanceof AppError) return errorResponse(c, error.code, error.message, error.details);
  if (error instanceof HTTPException) {
    const status = error.status;
    const code =
      status === 413
        ? ERROR_CODES.PAYLOAD_TOO_LARGE
        : status === 401
          ? ERROR_CODES.UNAUTHORIZED
          : ERROR_CODES.BAD_REQUEST;
    return c.json({ code, error: error.message || 'The request was refused.' }, status);
  }
  const inputProblem = databaseInputError(error);
  if (inputProblem) return errorResponse(c, ERROR_CODES.BAD_REQUEST, inputProblem);
  const logger = (c.var as { logger?: Logger }).logger ?? processLogger();
  if (databaseUnavailable(error)) {
    logger.warn(
      { err: error, method: c.req.method, path: c.req.path },
      'a connection was lost under a request (database restarting, failed over or unreachable)',
    );
    c.header('Retry-After', String(DATABASE_RETRY_SECONDS));
    return errorResponse(
      c,
      ERROR_CODES.SERVICE_UNAVAILABLE,
      'The connection to the database was lost while handling this request; try it again in a moment.',
    );
  }
  logger.error(
    { err: error, method: c.req.method, path: c.req.path },
    'request failed with an unexpected error',
  );
  return errorResponse(
    c,
    ERROR_CODES.INTERNAL_ERROR,
    'The server failed to handle this request; it has been logged.',
  );
}

export function notFoundResponse(c: Context) {
  return errorResponse(
    c,
    ERROR_CODES.NOT_FOUND,
    `No endpoint ${c.req.method} ${c.req.path}; /api/docs on this server lists every endpoint.`,
  );
}
