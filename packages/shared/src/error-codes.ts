// Every `code` a failure envelope may carry. Clients branch on these, never on messages.
export const ERROR_CODES = {
  BAD_REQUEST: 'BAD_REQUEST',
  INVALID_JSON: 'INVALID_JSON',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  /** An If-Match named a version the row no longer has: `data` is the row as it is now. */
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** Another server this one called (an instance-sync peer) failed or answered wrongly. */
  BAD_GATEWAY: 'BAD_GATEWAY',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /** A sync client built for another protocol MAJOR: the page must reload to get the current app. */
  CLIENT_UPDATE_REQUIRED: 'CLIENT_UPDATE_REQUIRED',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
