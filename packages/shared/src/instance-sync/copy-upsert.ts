import { z } from 'zod';
import { numericIdSchema } from '../common.js';

// `POST /copy-upsert` (ours, offered through the `copy` capability): the rows of one table in
// a compact body instead of one JSON document of objects. The first line is a JSON header
// naming the format, the repository, the table and the columns. Two formats:
//
// - `copy-v1`: every further line is one row, a JSON array of its values in the header's
//   column order (JSON text never holds a raw newline, so a line is a row). The receiver
//   checks each row with the same schemas as `batch-upsert` (a line that is not a JSON array
//   fails alone, like a row that fails its schema) and loads the good ones into its stage
//   with COPY.
// - `pg-text-v1` (documents only): the rest of the body is PostgreSQL's COPY text format, as
//   `COPY … TO STDOUT` writes it, in the header's column order (`PG_TEXT_DOCUMENT_COLUMNS`,
//   or `PG_TEXT_DOCUMENT_REFERENCE_COLUMNS` for a receiver whose `references` capability
//   names `replaced_by_uid`).
//   The sender streams it out of its database and the receiver streams it into its stage
//   without decoding a row in between; the rows' small columns are then read back and checked
//   with the same schemas, so a row that fails them fails alone. A body PostgreSQL cannot read
//   is refused whole with a 400, and the sender sends those rows again as `copy-v1`.
// - `pg-text-tasks-v1` (tasks only): the same for task rows, in the columns of
//   `PG_TEXT_TASK_COLUMNS`: a row carries its references by id and by uid (`references`
//   capability) and its whole list of usages (`task_usages`, a JSON array), as a changed
//   task's `copy-v1` row does.
//
// The answer is `batch-upsert`'s.

export const COPY_FORMAT = 'copy-v1';
export const PG_TEXT_FORMAT = 'pg-text-v1';
export const PG_TEXT_TASKS_FORMAT = 'pg-text-tasks-v1';
export const COPY_FORMATS = [COPY_FORMAT, PG_TEXT_FORMAT, PG_TEXT_TASKS_FORMAT] as const;
export type CopyFormat = (typeof COPY_FORMATS)[number];
/** Both formats travel with this content type; the header line names the format. */
export const COPY_CONTENT_TYPE = 'application/x-wikisync-copy-v1';

/**
 * The columns of a `pg-text-v1` body of documents, in order: the sender's ids, the row's
 * identity and times, then the values a `batch-upsert` document row carries (the newer
 * version, `replaced_by`, travels with the links, or by uid in the columns below).
 */
export const PG_TEXT_DOCUMENT_COLUMNS = [
  'document_id',
  'uid',
  'task_id',
  'deleted',
  'created_at',
  'updated_at',
  'title',
  'filename',
  'content',
  'language',
  'sort_order',
  'version',
  'is_latest',
  'metadata',
] as const;

/**
 * The columns of a `pg-text-v1` body of documents that carry their newer version by uid, for a
 * receiver that takes `replaced_by_uid` (`references` capability): the sender's id of it and
 * its uid, null for none.
 */
export const PG_TEXT_DOCUMENT_REFERENCE_COLUMNS = [
  ...PG_TEXT_DOCUMENT_COLUMNS,
  'replaced_by',
  'replaced_by_uid',
] as const;

/**
 * The columns of a `pg-text-tasks-v1` body, in order: the sender's id, the row's identity and
 * times, the values a `batch-upsert` task row carries, then its references (the sender's ids
 * and the uids, null for none) and its usages.
 */
export const PG_TEXT_TASK_COLUMNS = [
  'task_id',
  'uid',
  'deleted',
  'created_at',
  'updated_at',
  'writer_name',
  'task_type',
  'title',
  'outline',
  'status',
  'error_msg',
  'sort_order',
  'started_at',
  'completed_at',
  'metadata',
  'run_after',
  'doc_id',
  'doc_uid',
  'run_after_uid',
  'task_usages',
] as const;

export const copyUpsertHeaderSchema = z.object({
  format: z.enum(COPY_FORMATS, { message: `must be one of ${COPY_FORMATS.join(', ')}` }),
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

/** The header line (`copy-v1` unless the header names another format). */
export function encodeCopyHeader(header: Omit<CopyUpsertHeader, 'format'> & { format?: CopyFormat }): string {
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

/**
 * A decoded body: the checked header and, for `copy-v1`, each row line, still as text; for
 * `pg-text-v1`, the COPY data as it came (`lines` empty), in the parts it was read in: a
 * sender's database answers one per row, and joining tens of megabytes costs a copy.
 */
export const copyUpsertRequestSchema = z.object({
  header: copyUpsertHeaderSchema,
  lines: z.array(z.string()).max(COPY_MAX_ROWS, `at most ${COPY_MAX_ROWS} rows per request`),
  data: z.array(z.custom<Uint8Array>((part) => part instanceof Uint8Array, 'bytes')).optional(),
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
