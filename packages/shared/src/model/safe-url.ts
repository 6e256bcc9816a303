// Which links the app may render and store. A repository's `url` ends up in `<a href>` for
// every reader (admins see everyone's repositories), so a `javascript:` or `data:` URL would
// run an attacker's script with the reader's session. Only http(s) is ever a link; anything
// else is refused at the edge (REST, replication push) and blanked where peers send it.
import { z } from 'zod';
import { shortTextSchema } from '../common.js';

const SAFE_PROTOCOLS = new Set(['http:', 'https:']);

/** True for an absolute http: or https: URL, as the browser would parse it. */
export function isSafeHttpUrl(url: string): boolean {
  let parsed: URL;
  try {
    // The URL parser strips the leading spaces and control characters a browser ignores in an
    // href, so ` javascript:` or `java\tscript:` are judged by the scheme the browser would use.
    parsed = new URL(url);
  } catch {
    return false;
  }
  return SAFE_PROTOCOLS.has(parsed.protocol);
}

/** The URL itself when it is a safe http(s) link, otherwise '' (for data from peers). */
export function safeHttpUrlOrEmpty(url: string): string {
  return isSafeHttpUrl(url) ? url : '';
}

export const SAFE_URL_MESSAGE =
  'must be an http:// or https:// URL (such as https://example.com/team/repo) or empty; other schemes such as javascript: or data: are not allowed';

/** A stored link: empty, or an http(s) URL. */
export const httpUrlOrEmptySchema = shortTextSchema.refine(
  (value) => value === '' || isSafeHttpUrl(value),
  SAFE_URL_MESSAGE,
);
