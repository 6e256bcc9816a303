// What a failure says on screen. The server answers `{code, error}`, and for many failures also
// `issues` (the fields found wrong) or a `reason` with its values (shared error-details.ts).
// English keeps the server's own text: it is English already and the most precise. Other
// languages say, in order of preference: the sentence for the `reason`; the bad fields one by
// one, in the reader's words; the sentence for a code that says enough (signed out, no right,
// too big, too many requests, no answer); and for a generic code (BAD_REQUEST, CONFLICT) a
// translated lead-in before the server's text, which names what to fix.
import type { ValidationIssue } from '@wikisync/shared';
import { ApiError } from '../api/client';
import type { FailureDetails } from '../api/envelope';
import { ConflictMovedError, ConflictNotFoundError, SyncHttpError } from '../sync/errors';
import { currentLocale, formatNumber, i18n, t } from './index';

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
  // Said by this browser, not the server (sync/storage-quota.ts).
  'STORAGE_FULL',
  'CLIENT_UPDATE_REQUIRED',
]);

/** Codes whose server text names what to fix: shown after a translated lead-in. */
const WITH_DETAIL = new Set(['VALIDATION_FAILED', 'BAD_REQUEST', 'CONFLICT', 'HTTP_ERROR']);

/** A request field as the reader calls it: `rows.0.title` → 标题; unknown names stay as sent. */
function fieldWord(path: string): string {
  if (path === '') return t('failures.issues.wholeRequest');
  const last =
    path
      .split('.')
      .filter((part) => !/^\d+$/.test(part))
      .at(-1) ?? path;
  return i18n.global.te(`fields.${last}`) ? t(`fields.${last}`) : last;
}

function issueSentence(issue: ValidationIssue): string {
  const field = fieldWord(issue.path);
  const values = (issue.values ?? []).join(', ');
  switch (issue.kind) {
    case 'too_big':
    case 'too_small':
      if (issue.kind === 'too_small' && issue.limit === 1 && issue.unit === 'characters')
        return t('failures.issues.empty', { field });
      if (issue.limit === undefined || issue.unit === undefined) return t('failures.issues.other', { field });
      return t(`failures.issues.${issue.kind}_${issue.unit}`, { field, limit: formatNumber(issue.limit) });
    case 'invalid_value':
    case 'unrecognized_keys':
      return t(`failures.issues.${issue.kind}`, { field, values });
    case 'invalid_type':
    case 'invalid_format':
      return t(`failures.issues.${issue.kind}`, { field });
    default:
      return t('failures.issues.other', { field });
  }
}

/** The sentence for a failure's `reason`, with its values in the reader's words; null if none. */
function reasonSentence(details: FailureDetails | undefined): string | null {
  const reason = details?.reason;
  if (!reason || !i18n.global.te(`failures.reasons.${reason}`)) return null;
  const params: Record<string, string | number> = { ...details.params };
  const thing = params.collection;
  if (typeof thing === 'string' && i18n.global.te(`failures.things.${thing}`))
    params.collection = t(`failures.things.${thing}`);
  return t(`failures.reasons.${reason}`, params);
}

/**
 * `meaning` says what a code means where it is answered, e.g. on the sign-in form UNAUTHORIZED
 * is "the name or the password is wrong", not "your sign-in has expired".
 */
export function describeFailure(
  code: string,
  serverText: string,
  meaning: Partial<Record<string, string>> = {},
  details?: FailureDetails,
): string {
  if (currentLocale() === 'en' && serverText) return serverText;
  const own = meaning[code];
  if (own) return t(own);
  const byReason = reasonSentence(details);
  if (byReason) return byReason;
  if (code === 'VALIDATION_FAILED' && details?.issues?.length)
    return t('errors.codes.VALIDATION_FAILED', {
      detail: details.issues.map(issueSentence).join(t('failures.issues.separator')),
    });
  if (SELF_EXPLAINING.has(code)) return t(`errors.codes.${code}`);
  if (WITH_DETAIL.has(code)) return t(`errors.codes.${code}`, { detail: serverText });
  return serverText || t('errors.unknown');
}

/** The message for anything a `catch` received; `meaning` maps codes to message keys. */
export function errorMessage(caught: unknown, meaning: Partial<Record<string, string>> = {}): string {
  if (caught instanceof ApiError || caught instanceof SyncHttpError) {
    return describeFailure(caught.code, caught.message, meaning, caught.details);
  }
  if (caught instanceof ConflictMovedError) return t('errors.conflictMoved');
  if (caught instanceof ConflictNotFoundError) return t('errors.conflictGone');
  if (caught instanceof Error && caught.message) return caught.message;
  return t('errors.unknown');
}
