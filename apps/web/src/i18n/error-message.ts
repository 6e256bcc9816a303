// What a failure says on screen. The server answers `{code, error}`: where the code alone says
// what happened (signed out, no right, too big, too many requests, no answer) a Chinese reader
// gets a sentence in Chinese; where it is generic (VALIDATION_FAILED, BAD_REQUEST, CONFLICT)
// the server's text stays as the detail, since it names the field to fix. English keeps the
// server's own text: it is English already and more precise than a sentence per code.
import { ApiError } from '../api/client';
import { ConflictMovedError, ConflictNotFoundError, SyncHttpError } from '../sync/errors';
import { currentLocale, t } from './index';

/** Codes whose meaning needs no detail from the server. */
const SELF_EXPLAINING = new Set([
  'NETWORK',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
  'BAD_GATEWAY',
  'INTERNAL_ERROR',
  'INVALID_JSON',
]);

/** Codes whose server text names what to fix: shown after a translated lead-in. */
const WITH_DETAIL = new Set(['VALIDATION_FAILED', 'BAD_REQUEST', 'CONFLICT', 'HTTP_ERROR']);

/**
 * `meaning` says what a code means where it is answered, e.g. on the sign-in form UNAUTHORIZED
 * is "the name or the password is wrong", not "your sign-in has expired".
 */
export function describeFailure(
  code: string,
  serverText: string,
  meaning: Partial<Record<string, string>> = {},
): string {
  if (currentLocale() === 'en' && serverText) return serverText;
  const own = meaning[code];
  if (own) return t(own);
  if (SELF_EXPLAINING.has(code)) return t(`errors.codes.${code}`);
  if (WITH_DETAIL.has(code)) return t(`errors.codes.${code}`, { detail: serverText });
  return serverText || t('errors.unknown');
}

/** The message for anything a `catch` received; `meaning` maps codes to message keys. */
export function errorMessage(caught: unknown, meaning: Partial<Record<string, string>> = {}): string {
  if (caught instanceof ApiError || caught instanceof SyncHttpError) {
    return describeFailure(caught.code, caught.message, meaning);
  }
  if (caught instanceof ConflictMovedError) return t('errors.conflictMoved');
  if (caught instanceof ConflictNotFoundError) return t('errors.conflictGone');
  if (caught instanceof Error && caught.message) return caught.message;
  return t('errors.unknown');
}
