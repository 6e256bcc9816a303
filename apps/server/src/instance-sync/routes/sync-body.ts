// Reads a /api/sync JSON body from the bytes the auth middleware kept (signatures are over
// those bytes), decoding `Content-Encoding: gzip` from our batching senders.
import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { z } from 'zod';
import { copyUpsertRequestSchema, splitCopyBody, type CopyUpsertRequest } from '@wikisync/shared';
import { InvalidJsonError, PayloadTooLargeError, ValidationError } from '../../errors.js';
import { describeIssues, parseJsonText } from '../../http/validate.js';
import type { SyncEnv } from '../peer-auth/sync-caller.js';

export function decodeBody(raw: Uint8Array, encoding: string | undefined, maxBytes: number): string {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  // A view of the same bytes, not a copy.
  if (name === 'identity' || name === '')
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  if (name !== 'gzip')
    throw new ValidationError(`Content-Encoding "${encoding}" is not supported; send gzip or no encoding.`);
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new PayloadTooLargeError(maxBytes);
    throw new InvalidJsonError('the gzip body could not be decompressed');
  }
}

export function readSyncJson<S extends z.ZodType>(
  c: Context<SyncEnv>,
  schema: S,
  maxBytes: number,
): z.output<S> {
  return parseJsonText(decodeBody(c.get('rawBody'), c.req.header('content-encoding'), maxBytes), schema);
}

/** A `copy-upsert` body (copy-v1): its header line, checked, and its row lines unparsed. */
export function readSyncCopy(c: Context<SyncEnv>, maxBytes: number): CopyUpsertRequest {
  const split = splitCopyBody(decodeBody(c.get('rawBody'), c.req.header('content-encoding'), maxBytes));
  const checked = split === null ? null : copyUpsertRequestSchema.safeParse(split);
  if (!checked?.success)
    throw new ValidationError(
      'The first line of a copy-v1 body must be its JSON header ({"format":"copy-v1","repository_id":…,"entity":"tasks"|"documents","columns":[…]}), then one JSON array per row' +
        (checked ? `: ${describeIssues(checked.error)}` : '.'),
    );
  return checked.data;
}
