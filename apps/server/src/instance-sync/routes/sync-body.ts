// Reads a /api/sync body from the bytes the auth middleware kept, in the parts they arrived in
// (signatures are over those bytes), decoding `Content-Encoding: gzip` from our batching
// senders.
import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { z } from 'zod';
import {
  COPY_FORMAT,
  copyUpsertRequestSchema,
  PG_TEXT_FORMAT,
  PG_TEXT_TASKS_FORMAT,
  splitCopyBody,
  type CopyUpsertRequest,
} from '@wikisync/shared';
import { InvalidJsonError, PayloadTooLargeError, ValidationError } from '../../errors.js';
import { describeIssues, parseJsonText } from '../../http/validate.js';
import type { SyncEnv } from '../peer-auth/sync-caller.js';
import { joinParts } from '../wire/line-bytes.js';

/** The body's parts, gunzipped (into one) when it says `Content-Encoding: gzip`. */
export function decodeParts(
  raw: readonly Uint8Array[],
  encoding: string | undefined,
  maxBytes: number,
): readonly Uint8Array[] {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return raw;
  if (name !== 'gzip')
    throw new ValidationError(`Content-Encoding "${encoding}" is not supported; send gzip or no encoding.`);
  try {
    return [gunzipSync(joinParts(raw), { maxOutputLength: maxBytes })];
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new PayloadTooLargeError(maxBytes);
    throw new InvalidJsonError('the gzip body could not be decompressed');
  }
}

/** Bytes as text (a view of the same bytes, not a copy, before decoding). */
function textOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** The body as text. */
export function decodeBody(
  raw: readonly Uint8Array[],
  encoding: string | undefined,
  maxBytes: number,
): string {
  return textOf(joinParts(decodeParts(raw, encoding, maxBytes)));
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
 * The first line of `parts` (without its newline) and the parts after it, as views of the
 * same bytes; `rest` is null when there is no newline.
 */
export function splitFirstLine(parts: readonly Uint8Array[]): {
  first: Uint8Array;
  rest: Uint8Array[] | null;
} {
  for (const [index, part] of parts.entries()) {
    const end = part.indexOf(NEWLINE);
    if (end === -1) continue;
    return {
      first: joinParts([...parts.slice(0, index), part.subarray(0, end)]),
      rest: [part.subarray(end + 1), ...parts.slice(index + 1)].filter((rest) => rest.byteLength > 0),
    };
  }
  return { first: joinParts(parts), rest: null };
}

/**
 * A `copy-upsert` body: its header line, checked, then its row lines unparsed (`copy-v1`) or
 * the COPY data as it came, in the parts it arrived in (`pg-text-v1`).
 */
export function readSyncCopy(c: Context<SyncEnv>, maxBytes: number): CopyUpsertRequest {
  const parts = decodeParts(c.get('rawBody'), c.req.header('content-encoding'), maxBytes);
  const { first, rest } = splitFirstLine(parts);
  let header: unknown;
  try {
    header = JSON.parse(textOf(first));
  } catch {
    header = undefined;
  }
  const format = (header as { format?: unknown } | undefined)?.format;
  const pgText = format === PG_TEXT_FORMAT || format === PG_TEXT_TASKS_FORMAT;
  const split = pgText ? { header, lines: [], data: rest ?? [] } : splitCopyBody(textOf(joinParts(parts)));
  const checked = split === null ? null : copyUpsertRequestSchema.safeParse(split);
  if (!checked?.success)
    throw new ValidationError(
      `The first line of a copy-upsert body must be its JSON header ({"format":"${COPY_FORMAT}", "${PG_TEXT_FORMAT}" or "${PG_TEXT_TASKS_FORMAT}","repository_id":…,"entity":"tasks"|"documents","columns":[…]}), then one JSON array per row (${COPY_FORMAT}) or COPY text (${PG_TEXT_FORMAT}, ${PG_TEXT_TASKS_FORMAT})` +
        (checked ? `: ${describeIssues(checked.error)}` : '.'),
    );
  return checked.data;
}
