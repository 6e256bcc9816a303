// Reads a /api/sync JSON body from the bytes the auth middleware kept (signatures are over
// those bytes), decoding `Content-Encoding: gzip` from our batching senders.
import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { z } from 'zod';
import { InvalidJsonError, PayloadTooLargeError, ValidationError } from '../../errors.js';
import { parseJsonText } from '../../http/validate.js';
import type { SyncEnv } from '../peer-auth/sync-caller.js';

export function decodeBody(raw: Uint8Array, encoding: string | undefined, maxBytes: number): string {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return Buffer.from(raw).toString('utf8');
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
