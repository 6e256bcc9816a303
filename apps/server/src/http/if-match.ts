// Compare-and-set for REST writes: a row's ETag is its `server_version` in quotes ("123"),
// sent on GET of one row and on a PATCH answer. A PATCH that carries `If-Match: "123"` is
// written only if the row still has that version (the store checks it in the UPDATE itself,
// see db/compare-and-set.ts); without If-Match it is written as before, so clients that never
// read ETags (openDeepWiki's among them) keep working.
import type { Context } from 'hono';
import { BadRequestError } from '../errors.js';

export function entityTag(version: number): string {
  return `"${version}"`;
}

const STRONG_TAG = /^"([1-9][0-9]{0,15})"$/;

/**
 * The version an If-Match header asks for: undefined when the header is absent or `*` (any
 * current row, which every live row is). A weak tag, a list or anything but one quoted
 * version is refused, since writing on a guess is what the header is there to prevent.
 */
export function readIfMatch(c: Context): number | undefined {
  const header = c.req.header('if-match');
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = STRONG_TAG.exec(value);
  if (!match) {
    throw new BadRequestError(
      `If-Match ${JSON.stringify(header.slice(0, 80))} is not one ETag of this API; send the ETag ` +
        'of the row as you read it (a version number in double quotes, e.g. If-Match: "123"), or ' +
        'leave the header out.',
    );
  }
  return Number(match[1]);
}
