import { z } from 'zod';
import { numericIdSchema } from '../common.js';

// `POST /copy-upsert` (ours, offered through the `copy` capability, format `copy-v1`): the
// rows of one table as compact JSON lines instead of one JSON document of objects. The first
// line is a JSON header naming the repository, the table and the columns; every further line
// is one row, a JSON array of its values in the header's column order (JSON text never holds
// a raw newline, so a line is a row). The receiver checks each row with the same schemas as
// `batch-upsert` (a line that is not a JSON array fails alone, like a row that fails its
// schema) and loads the good ones into its stage with COPY. The answer is `batch-upsert`'s.

export const COPY_FORMAT = 'copy-v1';
export const COPY_CONTENT_TYPE = 'application/x-wikisync-copy-v1';

export const copyUpsertHeaderSchema = z.object({
  format: z.literal(COPY_FORMAT, { message: `must be "${COPY_FORMAT}"` }),
  repository_id: numericIdSchema,
  entity: z.enum(['tasks', 'documents']),
  /** The row arrays' columns: the wire fields of `batch-upsert`'s rows; the first is the id. */
  columns: z.array(z.string().min(1).max(64)).min(1).max(200),
});
export type CopyUpsertHeader = z.infer<typeof copyUpsertHeaderSchema>;

/** What a sender hands over: the header and its rows as objects keyed by `columns`. */
export interface CopyUpsertFrame extends Omit<CopyUpsertHeader, 'format'> {
  rows: readonly Record<string, unknown>[];
}

/** The rows of one request; like `batch-upsert`'s lists, at most this many. */
export const COPY_MAX_ROWS = 10_000;

/** One row's line: its values in column order. */
export function encodeCopyRow(columns: readonly string[], row: Record<string, unknown>): string {
  return JSON.stringify(columns.map((column) => row[column] ?? null));
}

/** The header line. */
export function encodeCopyHeader(header: Omit<CopyUpsertHeader, 'format'>): string {
  return JSON.stringify({ format: COPY_FORMAT, ...header });
}

/** A whole body from its header and already encoded row lines. */
export function copyBody(header: Omit<CopyUpsertHeader, 'format'>, lines: readonly string[]): string {
  return `${encodeCopyHeader(header)}\n${lines.map((line) => `${line}\n`).join('')}`;
}

export function encodeCopyFrame(frame: CopyUpsertFrame): string {
  const { rows, ...header } = frame;
  return copyBody(
    header,
    rows.map((row) => encodeCopyRow(header.columns, row)),
  );
}

/** A decoded body: the checked header and each row line, still as text. */
export const copyUpsertRequestSchema = z.object({
  header: copyUpsertHeaderSchema,
  lines: z.array(z.string()).max(COPY_MAX_ROWS, `at most ${COPY_MAX_ROWS} rows per request`),
});
export type CopyUpsertRequest = z.infer<typeof copyUpsertRequestSchema>;

/** Splits a body into its header (parsed, unchecked) and row lines; null when the header is not JSON. */
export function splitCopyBody(text: string): { header: unknown; lines: string[] } | null {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const first = lines.shift();
  if (first === undefined) return null;
  try {
    return { header: JSON.parse(first), lines };
  } catch {
    return null;
  }
}
