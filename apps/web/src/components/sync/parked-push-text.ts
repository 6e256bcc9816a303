// What the person reads about an edit the server refused for good (parked-pushes.ts): the
// server's own reason, and what to do about it, by the server's error code.
import type { ParkedPush } from '../../stores/sync';

const WHAT_TO_DO: Record<string, string> = {
  PAYLOAD_TOO_LARGE: 'It is too large to upload: shorten it, then send it again.',
  CONFLICT: 'Its repository or task is not on the server (deleted, or your access was removed).',
  FORBIDDEN: 'You may no longer change it; ask a repository admin for write access.',
  VALIDATION_FAILED: 'Some of its fields are not valid: fix them, then send it again.',
  BAD_REQUEST: 'Some of its fields are not valid: fix them, then send it again.',
};

export function refusalReason(entry: ParkedPush): string {
  return `Not accepted by the server: ${entry.reason}`;
}

export function refusalAdvice(entry: ParkedPush): string {
  return WHAT_TO_DO[entry.code] ?? 'Fix it, then send it again, or discard this version.';
}

/** The row's name as the lists show it. */
export function parkedTitle(entry: ParkedPush): string {
  const { title, name } = entry.state as { title?: unknown; name?: unknown };
  return String(title ?? name ?? entry.uid);
}
