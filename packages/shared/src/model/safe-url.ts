// Which links the app may render and store. A repository's `url` ends up in `<a href>` for
// every reader (admins see everyone's repositories), so a `javascript:` or `data:` URL would
// run an attacker's script with the reader's session. Only http(s) is ever a link; anything
// else is refused at the edge (REST, replication push) and blanked where peers send it.
import { shortTextSchema } from '../common.js';

/**
 * The scheme and a host, spelled out at the very start. Browsers skip leading spaces and
 * control characters and drop tabs and newlines inside the scheme (` java\tscript:` runs),
 * so nothing of the kind is tolerated before `://`: what passes here is http(s) to every
 * parser. (No `URL` object: the contract package runs on no particular platform.)
 */
const SAFE_HTTP_URL = /^https?:\/\/[^\s/?#\\]+/i;

/** True for an absolute http: or https: URL with a host. */
export function isSafeHttpUrl(url: string): boolean {
  return SAFE_HTTP_URL.test(url);
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
