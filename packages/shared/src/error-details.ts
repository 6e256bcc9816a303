// What a failure envelope may carry beside `code` and `error`, so that a client can say the
// failure in its reader's language instead of showing the server's English:
// - `issues`: the fields a VALIDATION_FAILED found wrong, each with what is wrong and the limit;
// - `reason` and `params`: for failures a person meets in the UI, which one it is and its values.
// Both are optional and additive (protocol MINOR): `error` stays the complete English text, and
// a client that knows neither shows it as before.
import { z } from 'zod';

/** What is wrong with one field; the names follow zod's issue codes, without its internals. */
export const ISSUE_KINDS = {
  tooBig: 'too_big',
  tooSmall: 'too_small',
  invalidType: 'invalid_type',
  invalidFormat: 'invalid_format',
  invalidValue: 'invalid_value',
  unrecognizedKeys: 'unrecognized_keys',
  other: 'other',
} as const;
export type IssueKind = (typeof ISSUE_KINDS)[keyof typeof ISSUE_KINDS];

/** What a limit counts: the characters of a text, the items of a list, or a number's value. */
export const LIMIT_UNITS = { characters: 'characters', items: 'items', value: 'value' } as const;
export type LimitUnit = (typeof LIMIT_UNITS)[keyof typeof LIMIT_UNITS];

export const validationIssueSchema = z.object({
  /** Dotted path of the field, e.g. `rows.0.title`; empty for the whole body or query. */
  path: z.string(),
  kind: z.enum(Object.values(ISSUE_KINDS) as [IssueKind, ...IssueKind[]]),
  /** The bound broken by a too_big / too_small. */
  limit: z.number().optional(),
  unit: z.enum(Object.values(LIMIT_UNITS) as [LimitUnit, ...LimitUnit[]]).optional(),
  /** Allowed values of an invalid_value, or the unknown keys of an unrecognized_keys. */
  values: z.array(z.string()).optional(),
});
export type ValidationIssue = z.infer<typeof validationIssueSchema>;

/** Failures a person meets in the web app, each with a translated sentence there. */
export const ERROR_REASONS = {
  /** params: name */
  userExists: 'user_exists',
  /** params: collection, uid */
  uidExists: 'uid_exists',
  /** params: direction, repository, peer, session */
  syncAlreadyRunning: 'sync_already_running',
  /** params: expression */
  cronInvalid: 'cron_invalid',
  /** params: expression */
  cronNeverRuns: 'cron_never_runs',
  /** params: expression */
  cronTooFrequent: 'cron_too_frequent',
  /** params: value, allowed */
  scopesInvalid: 'scopes_invalid',
  /** params: repositories, tasks (comma-separated uids) */
  missingReferences: 'missing_references',
  /** params: limit (bytes) */
  bodyTooLarge: 'body_too_large',
  /** params: expected, current (the row's server_version sent in If-Match, and its version now) */
  versionMismatch: 'version_mismatch',
} as const;
export type ErrorReason = (typeof ERROR_REASONS)[keyof typeof ERROR_REASONS];

export const errorParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type ErrorParams = z.infer<typeof errorParamsSchema>;
