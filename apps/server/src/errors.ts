// Every failure the server can explain to a caller is one of these named classes. They carry
// a wire `code` and a message that says what went wrong and what to do; `http/error-handler.ts`
// turns them into responses, and nothing below the routes knows about HTTP.
import { ERROR_CODES, type ErrorCode } from '@wikisync/shared';

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.BAD_REQUEST, message);
  }
}

export class InvalidJsonError extends AppError {
  constructor(detail: string) {
    super(ERROR_CODES.INVALID_JSON, `The request body is not valid JSON (${detail}); send a JSON object.`);
  }
}

export class ValidationError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.VALIDATION_FAILED, message);
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
  constructor(message: string, current?: unknown) {
    super(ERROR_CODES.CONFLICT, message);
    this.current = current;
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(
      ERROR_CODES.PAYLOAD_TOO_LARGE,
      `The request body is larger than ${limitBytes} bytes; send less data per request.`,
    );
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.TOO_MANY_REQUESTS, message);
  }
}

/** A bad setting found at start-up; the process prints it and exits. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
