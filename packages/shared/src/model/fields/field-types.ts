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
 * uid in a replicated document. Instance-sync messages carry references beside the row
 * (`instanceSyncMessageShape`), except where a field's own rule says otherwise.
 */
export const REFERENCE = {
  name: 'reference',
  role: 'reference',
  rest: numericIdSchema,
  response: z.number().int(),
  replicated: uidSchema,
  json: UID_JSON,
} as const satisfies FieldType;

/** A value kind: `schema` on REST and in replication, `response` in REST answers. */
function valueKind<const Name extends FieldTypeName, Schema extends z.ZodType, Response extends z.ZodType>(
  name: Name,
  schema: Schema,
  response: Response,
  json: JsonSchemaFragment,
) {
  return { name, role: 'value', rest: schema, replicated: schema, response, json } as const;
}

export const SHORT_TEXT = valueKind('text', shortTextSchema, shortTextSchema, TEXT_JSON);
export const MEDIUM_TEXT = valueKind('text', mediumTextSchema, z.string(), TEXT_JSON);
export const LONG_TEXT = valueKind('text', longTextSchema, z.string(), TEXT_JSON);

/** A name: short text that must not be empty, on every wire. */
export const NAME = valueKind(
  'text',
  shortTextSchema.min(1, 'must not be empty'),
  shortTextSchema,
  TEXT_JSON,
);

/** A link every reader may follow: empty or http(s) (safe-url.ts); peers' other links are blanked. */
export const LINK = {
  ...valueKind('text', httpUrlOrEmptySchema, shortTextSchema, TEXT_JSON),
  instanceSync: shortTextSchema,
} as const satisfies FieldType;

/** An integer column (int4): a sort order. */
export const INT32 = valueKind('integer', int32Schema, z.number().int(), {
  type: 'integer',
  minimum: INT32_MIN,
  maximum: INT32_MAX,
  multipleOf: 1,
});

/** A document version: an integer column that counts from 1. */
export const VERSION = valueKind('integer', positiveInt32Schema, z.number().int(), {
  type: 'integer',
  minimum: 1,
  maximum: INT32_MAX,
});

/** A size in megabytes: any finite number from 0. */
export const SIZE = valueKind('number', z.number().finite().nonnegative(), z.number(), {
  type: 'number',
  minimum: 0,
});

export const BOOLEAN = valueKind('boolean', z.boolean(), z.boolean(), { type: 'boolean' });

/** An RFC 3339 time, one spelling per instant; on the instance-sync wire also Go's zero time. */
export const TIMESTAMP = {
  ...valueKind('time', timestampSchema, timestampSchema, TIME_JSON),
  instanceSyncWhole: optionalTimeSchema,
  nullableJson: { type: ['string', 'null'] },
} as const satisfies FieldType;

/** `created_at` and `updated_at`: times the writer sets (the server's now() when it has none). */
export const STAMP = { ...TIMESTAMP, role: 'stamp' } as const satisfies FieldType;

/** The free-form metadata object, within the limits of metadata-limits.ts. */
export const METADATA = {
  ...valueKind('json', metadataSchema, metadataSchema, { type: 'object', additionalProperties: true }),
  instanceSyncWhole: wireMetadataSchema,
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
    ...valueKind('enum', schema, schema, { type: 'string', enum: [...values] }),
    values,
    instanceSync: aliasedEnumSchema(values, aliases),
  } as const satisfies FieldType;
}
