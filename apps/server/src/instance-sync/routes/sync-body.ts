// Reads a /api/sync JSON body from the bytes the auth middleware kept (signatures are over
// those bytes), decoding `Content-Encoding: gzip` from our batching senders.
import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { z } from 'zod';
import {
  COPY_FORMAT,
  copyUpsertRequestSchema,
  PG_TEXT_FORMAT,
  splitCopyBody,
  type CopyUpsertRequest,
} from '@wikisync/shared';
import { InvalidJsonError, PayloadTooLargeError, ValidationError } from '../../errors.js';
import { describeIssues, parseJsonText } from '../../http/validate.js';
import type { SyncEnv } from '../peer-auth/sync-caller.js';

/** The body's bytes, gunzipped when it says `Content-Encoding: gzip`. */
export function decodeBytes(raw: Uint8Array, encoding: string | undefined, maxBytes: number): Uint8Array {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return raw;
  if (name !== 'gzip')
    throw new ValidationError(`Content-Encoding "${encoding}" is not supported; send gzip or no encoding.`);
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new PayloadTooLargeError(maxBytes);
    throw new InvalidJsonError('the gzip body could not be decompressed');
  }
}

/** The body as text (a view of the same bytes, not a copy, before decoding). */
export function decodeBody(raw: Uint8Array, encoding: string | undefined, maxBytes: number): string {
  const bytes = decodeBytes(raw, encoding, maxBytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export function readSyncJson<S extends z.ZodType>(
  c: Context<SyncEnv>,
  schema: S,
  maxBytes: number,
): z.output<S> {
  return parseJsonText(decodeBody(c.get('rawBody'), c.req.header('content-encoding'), maxBytes), schema);
}

const NEWLINE = 0x0a;

/**
 * A `copy-upsert` body: its header line, checked, then its row lines unparsed (`copy-v1`) or
 * the COPY data as it came (`pg-text-v1`).
 */
export function readSyncCopy(c: Context<SyncEnv>, maxBytes: number): CopyUpsertRequest {
  const bytes = decodeBytes(c.get('rawBody'), c.req.header('content-encoding'), maxBytes);
  const end = bytes.indexOf(NEWLINE);
  const first = Buffer.from(bytes.buffer, bytes.byteOffset, end === -1 ? bytes.byteLength : end).toString(
    'utf8',
  );
  let header: unknown;
  try {
    header = JSON.parse(first);
  } catch {
    header = undefined;
  }
  const pgText = (header as { format?: unknown } | undefined)?.format === PG_TEXT_FORMAT;
  const split = pgText
    ? { header, lines: [], data: end === -1 ? [] : [bytes.subarray(end + 1)] }
    : splitCopyBody(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  const checked = split === null ? null : copyUpsertRequestSchema.safeParse(split);
  if (!checked?.success)
    throw new ValidationError(
      `The first line of a copy-upsert body must be its JSON header ({"format":"${COPY_FORMAT}" or "${PG_TEXT_FORMAT}","repository_id":…,"entity":"tasks"|"documents","columns":[…]}), then one JSON array per row (${COPY_FORMAT}) or COPY text (${PG_TEXT_FORMAT})` +
        (checked ? `: ${describeIssues(checked.error)}` : '.'),
    );
  return checked.data;
}
