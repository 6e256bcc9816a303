// Lines of text as one buffer, each followed by a newline, encoded once into a buffer of the
// right size. A bulk body (a copy-upsert request, the COPY data of a stage) is tens of
// megabytes: joining its lines into one string and encoding that string built and copied the
// megabytes twice more, which was a fifth of the sending server's CPU in a full push. And the
// one escaping of a value for COPY's text format.
import type { SqlType } from '../../db/field-rows.js';

/** `head` (a line of its own when given) and `lines`, each ending in "\n", as UTF-8 bytes. */
export function lineBytes(lines: readonly string[], head?: string): Buffer<ArrayBuffer> {
  let size = head === undefined ? 0 : Buffer.byteLength(head) + 1;
  for (const line of lines) size += Buffer.byteLength(line) + 1;
  const bytes = Buffer.allocUnsafe(size);
  let offset = 0;
  const put = (line: string) => {
    offset += bytes.write(line, offset);
    bytes[offset++] = 0x0a;
  };
  if (head !== undefined) put(head);
  for (const line of lines) put(line);
  return bytes;
}

/** The bytes of a body kept as its parts. */
export function byteLengthOf(parts: readonly Uint8Array[]): number {
  let size = 0;
  for (const part of parts) size += part.byteLength;
  return size;
}

/** A body kept as its parts, as one array of bytes: the part itself when there is one. */
export function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** The characters COPY's text format escapes. */
const COPY_SPECIAL = /[\\\n\r\t]/;

/**
 * A value as one field of COPY's text format: `\N` for null, backslash escapes for the
 * characters that end a field or a row. Objects (jsonb) go as their JSON text, as the jsonb
 * parameter carried them before.
 */
export function copyText(value: unknown, type: SqlType): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (typeof value === 'string') text = type === 'jsonb' ? JSON.stringify(value) : value;
  else if (typeof value === 'boolean') text = value ? 't' : 'f';
  else if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  else text = JSON.stringify(value);
  // Most fields (titles, times, ids, small JSON) hold none of the four: one test for them
  // (374 → 142 ns a field; a push writes about 400,000 fields into COPY lines).
  if (!COPY_SPECIAL.test(text)) return text;
  // Four native passes: about twice as fast as one pass calling back for every match, and a
  // document's markdown has a newline every few dozen characters.
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t');
}
