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

// `W/"123"` names the same version: the tag names the row's version, not the bytes of one
// encoding, and compressing the answer marks the tag weak on its way to the client (RFC 9110
// 8.8.1), which would otherwise never be able to send it back.
const VERSION_TAG = /^(?:W\/)?"([1-9][0-9]{0,15})"$/;

/**
 * The version an If-Match header asks for: undefined when the header is absent or `*` (any
 * current row, which every live row is). A list or anything but one quoted version is
 * refused, since writing on a guess is what the header is there to prevent.
 */
export function readIfMatch(c: Context): number | undefined {
  const header = c.req.header('if-match');
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = VERSION_TAG.exec(value);
  if (!match) {
    throw new BadRequestError(
      `If-Match ${JSON.stringify(header.slice(0, 80))} is not one ETag of this API; send the ETag ` +
        'of the row as you read it (a version number in double quotes, e.g. If-Match: "123"), or ' +
        'leave the header out.',
    );
  }
  return Number(match[1]);
}
