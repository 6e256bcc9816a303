// Field rules for the instance-sync wire (PROTOCOL.md §2). Bodies come from two kinds of
// senders, ours and openDeepWiki's (Go), so these are lenient where that sender differs
// (numeric strings for ids, Go's status words, null for "no value") and strict where a wrong
// value would corrupt data (ids, enums, text limits).
import { z } from 'zod';
import { numericIdSchema, timestampSchema } from '../common.js';
import { stripOverLimitMetadata } from '../model/metadata-limits.js';

/** A sender's numeric id or none: 0 and null mean "none" (Go's zero value). */
export const remoteReferenceSchema = z
  .union([numericIdSchema, z.literal(0), z.literal('0'), z.null()])
  .transform((value) => (value === 0 || value === '0' || value === null ? null : value));

/** A sender's numeric id; absent, 0 and null all mean "none". */
export const optionalRemoteIdSchema = remoteReferenceSchema
  .optional()
  .transform((value) => (value === undefined ? null : value));

/**
 * A task's `run_after`: the sender's id of the task that must finish first (openDeepWiki's
 * meaning). Our servers before that was understood sent a time here; a time names no task,
 * so it reads as "none", as the migration that made the column a reference did with them.
 */
export const runAfterSchema = z
  .union([remoteReferenceSchema, timestampSchema.transform(() => null)])
  .optional()
  .transform((value) => value ?? null);

/** An RFC 3339 time or nothing; Go's zero time (year 1) also means nothing. */
export const optionalTimeSchema = z
  .union([timestampSchema, z.null(), z.literal('')])
  .optional()
  .transform((value) => (value && !value.startsWith('0001-') ? value : null));

/**
 * One of `values`, also under the other words a sender uses for them (openDeepWiki writes
 * "completed" and "cancelled" for tasks; the field tables list each entity's aliases).
 */
export function aliasedEnumSchema<const Values extends readonly [string, ...string[]]>(
  values: Values,
  aliases: Readonly<Record<string, Values[number]>>,
) {
  return z
    .string()
    .transform((value) => aliases[value] ?? value)
    .pipe(z.enum(values, { message: `must be one of ${values.join(', ')}` }));
}

/** Go sends metadata as a JSON string column; we keep objects, so a string is parsed. */
function wireMetadataObject(
  value: Record<string, unknown> | string | null | undefined,
): Record<string, unknown> {
  if (value === null || value === undefined || value === '') return {};
  if (typeof value !== 'string') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { value };
  } catch {
    return { value };
  }
}

/**
 * Why a peer's metadata is dropped, or null when it is kept: metadata past the limits of
 * metadata-limits.ts (one deeply nested row breaks every reader's browser) is stored as `{}`
 * rather than refusing the whole row, and the receiver reports it.
 */
export function wireMetadataProblem(value: unknown): string | null {
  if (value !== null && value !== undefined && typeof value !== 'string' && typeof value !== 'object')
    return null;
  return stripOverLimitMetadata(
    wireMetadataObject(value as Record<string, unknown> | string | null | undefined),
  ).problem;
}

export const wireMetadataSchema = z
  .union([z.record(z.string(), z.unknown()), z.string(), z.null()])
  .optional()
  .transform((value): Record<string, unknown> => stripOverLimitMetadata(wireMetadataObject(value)).metadata);

export const INSTANCE_SYNC_DIRECTIONS = ['push', 'pull'] as const;
export const syncDirectionSchema = z.enum(INSTANCE_SYNC_DIRECTIONS);
export type SyncDirection = z.infer<typeof syncDirectionSchema>;

export const SYNC_SESSION_STATUSES = ['in_progress', 'completed', 'failed', 'cancelled'] as const;
export const syncSessionStatusSchema = z.enum(SYNC_SESSION_STATUSES);
export type SyncSessionStatus = z.infer<typeof syncSessionStatusSchema>;

/** The base URL of a peer: http(s), ending in /api/sync (PROTOCOL.md §2). */
export const syncBaseUrlSchema = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value), 'must be an http:// or https:// URL')
  .refine(
    (value) => !/^https?:\/\/[^/]*@/.test(value),
    'must not carry a user name or password (http://user:pass@…); save the token in its own field',
  )
  .transform((value) => value.replace(/\/+$/, ''))
  .refine((value) => value.endsWith('/api/sync'), 'must end in /api/sync, such as http://host:3000/api/sync');

/** A list of document ids to restrict a copy to. */
export const documentIdListSchema = z.array(numericIdSchema).max(100_000, 'name at most 100,000 documents');
