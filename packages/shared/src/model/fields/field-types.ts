// The kinds of value a field of the field tables can hold. A kind says, once, how such a value
// is checked on each wire and how the browser's replica describes it (JSON Schema), so that
// a rule such as "a sort order is a 32-bit integer" is written here and nowhere else. The
// server maps `name` to a column type and a row conversion (apps/server/src/db/field-rows.ts).
import { z } from 'zod';
import {
  int32Schema,
  INT32_MAX,
  INT32_MIN,
  longTextSchema,
  mediumTextSchema,
  numericIdSchema,
  positiveInt32Schema,
  shortTextSchema,
  timestampSchema,
  uidSchema,
} from '../../common.js';
import { metadataSchema } from '../metadata-limits.js';
import { httpUrlOrEmptySchema } from '../safe-url.js';
import {
  aliasedEnumSchema,
  optionalTimeSchema,
  wireMetadataSchema,
} from '../../instance-sync/wire-fields.js';

export type JsonSchemaFragment = Readonly<Record<string, unknown>>;

/**
 * What a field is for, beyond its values: `identity` (the server's id, the row's uid) and
 * `reference` fields are resolved by every writer, `stamp` times are set by the writer when
 * absent, `tombstone` is the deletion flag; `value` fields are stored as they arrive.
 */
export type FieldRole = 'identity' | 'reference' | 'value' | 'stamp' | 'tombstone';

/** The server's column type and row conversion follow from it. */
export type FieldTypeName =
  | 'id'
  | 'uid'
  | 'reference'
  | 'text'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'time'
  | 'json'
  | 'tombstone';

export interface FieldType {
  readonly name: FieldTypeName;
  readonly role: FieldRole;
  /** An enum's values, in order. */
  readonly values?: readonly string[];
  /** A value the REST API accepts (create and update). */
  readonly rest: z.ZodType;
  /** A value as the REST API answers it: the shape, with the write limits only for short text. */
  readonly response: z.ZodType;
  /** A value in a replicated document (push, changes, conflicts). */
  readonly replicated: z.ZodType;
  /**
   * A present value on the instance-sync wire, where it differs from `rest`; an absent or
   * null one takes the field's default (field-table.ts).
   */
  readonly instanceSync?: z.ZodType;
  /** The whole instance-sync rule, absent and null values included, for kinds that have one. */
  readonly instanceSyncWhole?: z.ZodType;
  /** Its JSON Schema in the browser's replica; null: not a property there. */
  readonly json: JsonSchemaFragment | null;
  /** Its JSON Schema when the field is nullable (by default `json` with null added to its type). */
  readonly nullableJson?: JsonSchemaFragment;
}

const UID_JSON = { type: 'string', maxLength: 64 } as const;
const TEXT_JSON = { type: 'string' } as const;
const TIME_JSON = { type: 'string', maxLength: 40 } as const;

/** The server's number for a row: never taken from a client, null until the server has seen it. */
export const SERVER_ID = {
  name: 'id',
  role: 'identity',
  rest: z.number().int(),
  response: z.number().int(),
  /** A client that created the row offline sends none (PROTOCOL.md §1). */
  replicated: z.int().positive().nullish(),
  json: { type: ['integer', 'null'] },
} as const satisfies FieldType;

/** The row's global id, made by whoever creates the row. */
export const UID = {
  name: 'uid',
  role: 'identity',
  rest: uidSchema,
  response: uidSchema,
  replicated: uidSchema,
  instanceSyncWhole: uidSchema.optional(),
  json: UID_JSON,
} as const satisfies FieldType;

/**
 * A reference to another row: its numeric id on REST (numeric strings too, PROTOCOL.md §2), its
 * uid in a replicated document. Instance-sync messages name references with the sender's ids,
 * each message in its own way, so they are written in the message files.
 */
export const REFERENCE = {
  name: 'reference',
  role: 'reference',
  rest: numericIdSchema,
  response: z.number().int(),
  replicated: uidSchema,
  json: UID_JSON,
} as const satisfies FieldType;

export const SHORT_TEXT = {
  name: 'text',
  role: 'value',
  rest: shortTextSchema,
  response: shortTextSchema,
  replicated: shortTextSchema,
  json: TEXT_JSON,
} as const satisfies FieldType;

const nonEmptyShortTextSchema = shortTextSchema.min(1, 'must not be empty');

/** A name: short text that must not be empty, on every wire. */
export const NAME = {
  ...SHORT_TEXT,
  rest: nonEmptyShortTextSchema,
  replicated: nonEmptyShortTextSchema,
} as const satisfies FieldType;

/** A link every reader may follow: empty or http(s) (safe-url.ts); peers' other links are blanked. */
export const LINK = {
  ...SHORT_TEXT,
  rest: httpUrlOrEmptySchema,
  replicated: httpUrlOrEmptySchema,
  instanceSync: shortTextSchema,
} as const satisfies FieldType;

export const MEDIUM_TEXT = {
  name: 'text',
  role: 'value',
  rest: mediumTextSchema,
  response: z.string(),
  replicated: mediumTextSchema,
  json: TEXT_JSON,
} as const satisfies FieldType;

export const LONG_TEXT = {
  name: 'text',
  role: 'value',
  rest: longTextSchema,
  response: z.string(),
  replicated: longTextSchema,
  json: TEXT_JSON,
} as const satisfies FieldType;

/** An integer column (int4): a sort order. */
export const INT32 = {
  name: 'integer',
  role: 'value',
  rest: int32Schema,
  response: z.number().int(),
  replicated: int32Schema,
  json: { type: 'integer', minimum: INT32_MIN, maximum: INT32_MAX, multipleOf: 1 },
} as const satisfies FieldType;

/** A document version: an integer column that counts from 1. */
export const VERSION = {
  name: 'integer',
  role: 'value',
  rest: positiveInt32Schema,
  response: z.number().int(),
  replicated: positiveInt32Schema,
  json: { type: 'integer', minimum: 1, maximum: INT32_MAX },
} as const satisfies FieldType;

/** A size in megabytes: any finite number from 0. */
export const SIZE = {
  name: 'number',
  role: 'value',
  rest: z.number().finite().nonnegative(),
  response: z.number(),
  replicated: z.number().finite().nonnegative(),
  json: { type: 'number', minimum: 0 },
} as const satisfies FieldType;

export const BOOLEAN = {
  name: 'boolean',
  role: 'value',
  rest: z.boolean(),
  response: z.boolean(),
  replicated: z.boolean(),
  json: { type: 'boolean' },
} as const satisfies FieldType;

/** An RFC 3339 time, one spelling per instant; on the instance-sync wire also Go's zero time. */
export const TIMESTAMP = {
  name: 'time',
  role: 'value',
  rest: timestampSchema,
  response: timestampSchema,
  replicated: timestampSchema,
  instanceSyncWhole: optionalTimeSchema,
  json: TIME_JSON,
  nullableJson: { type: ['string', 'null'] },
} as const satisfies FieldType;

/** `created_at` and `updated_at`: times the writer sets (the server's now() when it has none). */
export const STAMP = { ...TIMESTAMP, role: 'stamp' } as const satisfies FieldType;

/** The free-form metadata object, within the limits of metadata-limits.ts. */
export const METADATA = {
  name: 'json',
  role: 'value',
  rest: metadataSchema,
  response: metadataSchema,
  replicated: metadataSchema,
  instanceSyncWhole: wireMetadataSchema,
  json: { type: 'object', additionalProperties: true },
} as const satisfies FieldType;

/** The deletion flag: deletes leave tombstones that replicas and peers learn of. */
export const TOMBSTONE = {
  name: 'tombstone',
  role: 'tombstone',
  rest: z.boolean(),
  response: z.boolean(),
  replicated: z.boolean(),
  /** Ours only: openDeepWiki never deletes. */
  instanceSyncWhole: z.boolean().optional().default(false),
  /** RxDB keeps its own `_deleted` flag beside the properties. */
  json: null,
} as const satisfies FieldType;

/**
 * A status: one of `values` on every wire, and in the browser's JSON Schema. `aliases` are
 * the other words an instance-sync sender uses for them.
 */
export function enumType<const Values extends readonly [string, ...string[]]>(
  values: Values,
  aliases: Readonly<Record<string, Values[number]>>,
) {
  const schema = z.enum(values);
  return {
    name: 'enum',
    role: 'value',
    values,
    rest: schema,
    response: schema,
    replicated: schema,
    instanceSync: aliasedEnumSchema(values, aliases),
    json: { type: 'string', enum: [...values] },
  } as const satisfies FieldType;
}
