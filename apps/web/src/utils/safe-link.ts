// Links to addresses that other people wrote (a repository's URL) are rendered only when
// they are http(s): the server refuses other schemes, but rows stored before that rule, or
// copied from a peer that lacks it, may still hold `javascript:` or `data:` URLs, and a
// click on one would run script with the reader's session.
import { isSafeHttpUrl } from '@wikisync/shared';

/** The URL to put in `href`, or null when it must be shown as text only. */
export function safeLinkHref(url: string | null | undefined): string | null {
  if (!url) return null;
  return isSafeHttpUrl(url) ? url : null;
}
