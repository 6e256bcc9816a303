// What the person reads about an edit the server refused for good (parked-pushes.ts): the
// server's reason in the reader's language, and what to do about it, by the server's error code.
import { t } from '../../i18n';
import { describeFailure } from '../../i18n/error-message';
import type { ParkedPush } from '../../stores/sync';

/** Codes with their own advice (messages `parked.advice.<code>`); any other gets `other`. */
const ADVISED = new Set(['PAYLOAD_TOO_LARGE', 'CONFLICT', 'FORBIDDEN', 'VALIDATION_FAILED', 'BAD_REQUEST']);

export function refusalReason(entry: ParkedPush): string {
  return t('parked.reason', { reason: describeFailure(entry.code, entry.reason, {}, entry.details) });
}

export function refusalAdvice(entry: ParkedPush): string {
  return t(`parked.advice.${ADVISED.has(entry.code) ? entry.code : 'other'}`);
}

/** The row's name as the lists show it. */
export function parkedTitle(entry: ParkedPush): string {
  const { title, name } = entry.state as { title?: unknown; name?: unknown };
  return String(title ?? name ?? entry.uid);
}
