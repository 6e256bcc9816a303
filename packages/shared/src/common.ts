// Field-level building blocks shared by every entity and message, so that one rule
// (what an id, a uid or a time looks like on the wire) is written once.
import { z } from 'zod';

/**
 * Server-assigned numeric id. JSON numbers; numeric strings are accepted (PROTOCOL.md §2).
 * The columns are bigint, but a JavaScript number holds integers exactly only up to
 * MAX_SAFE_INTEGER: a larger id would be rounded to another row's id, so it is refused.
 */
export const numericIdSchema = z.union(
  [
    z.int().positive().max(Number.MAX_SAFE_INTEGER),
    z
      .string()
      .regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer')
      .refine((value) => Number.isSafeInteger(Number(value)))
      .transform(Number),
  ],
  { error: `must be a positive integer id of at most ${Number.MAX_SAFE_INTEGER}` },
);
export type NumericId = number;

/**
 * The range of the integer (int4) columns: sort orders and document versions. A wider value
 * would fail at the database, so it is refused here with a message instead.
 */
export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;
export const int32Schema = z.int().min(INT32_MIN).max(INT32_MAX);
/** A document version: counts from 1. */
export const positiveInt32Schema = z.int().min(1).max(INT32_MAX);

/** Global id made by whoever creates the row (UUIDv7, ULID or any URL-safe token). */
export const UID_PATTERN = /^[A-Za-z0-9_-]+$/;
export const uidSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(UID_PATTERN, 'may only hold letters, digits, "-" and "_"');

/** `Date#toISOString()`'s spelling: UTC, milliseconds. */
const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * RFC 3339 time. Normalised to `Date#toISOString()` (UTC, milliseconds) on the way in, which
 * is also the form the server answers with: replication compares rows field by field, so
 * one instant must have exactly one spelling.
 */
export const timestampSchema = z.iso
  .datetime({ offset: true, message: 'must be an RFC 3339 date-time, such as 2024-01-01T00:00:00Z' })
  // A time already in that spelling is kept as it came (every synced row has several, and a
  // `Date` for each was a tenth of a receiver's validation). This runs after the check above
  // even when it failed, so a value that is no time at all is left for its issue to report.
  .overwrite((value) => {
    if (CANONICAL_TIME.test(value)) return value;
    const time = new Date(value);
    return Number.isNaN(time.getTime()) ? value : time.toISOString();
  });

// PostgreSQL text cannot hold U+0000; refuse it here with a message instead of at the database.
const noNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

/** Free text columns: bounded so that a single field cannot exhaust memory. */
export const shortTextSchema = z
  .string()
  .max(1000, 'must be at most 1000 characters')
  .refine(noNul, NUL_MESSAGE);
/** The most characters (code points, as zod's `max` counts them) a long text may have. */
export const LONG_TEXT_MAX = 5_000_000;
export const longTextSchema = z
  .string()
  .max(LONG_TEXT_MAX, 'must be at most 5,000,000 characters')
  .refine(noNul, NUL_MESSAGE);
export const mediumTextSchema = z
  .string()
  .max(100_000, 'must be at most 100,000 characters')
  .refine(noNul, NUL_MESSAGE);
