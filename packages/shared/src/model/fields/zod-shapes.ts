// The zod schemas of each wire, derived from a field table (field-table.ts): the field's kind
// gives its checks on that wire, the table its name, nullability and default. The types
// below compute the same shapes for TypeScript, so `z.infer` of a derived schema is as exact
// as a schema written out by hand.
import { z } from 'zod';
import { numericIdSchema } from '../../common.js';
import { optionalRemoteIdSchema } from '../../instance-sync/wire-fields.js';
import {
  fieldEntries,
  instanceSyncPlace,
  replicatedName,
  type FieldSpec,
  type FieldTable,
  type ReplicatedKey,
  type RestAccess,
} from './field-table.js';

type WithNull<Spec, Schema> = Spec extends { nullable: true } ? z.ZodNullable<Schema & z.ZodType> : Schema;
type RestSchema<Spec extends FieldSpec> = WithNull<Spec, Spec['type']['rest']>;

type KeysWhere<Table extends FieldTable, Wanted> = {
  [Field in keyof Table]: Table[Field] extends Wanted ? Field : never;
}[keyof Table];

export type ResponseShape<Table extends FieldTable> = {
  -readonly [Field in KeysWhere<Table, { rest: RestAccess }>]: WithNull<
    Table[Field],
    Table[Field]['type']['response']
  >;
};

export type UpdateShape<Table extends FieldTable> = {
  -readonly [Field in KeysWhere<Table, { rest: 'write' }>]: RestSchema<Table[Field]>;
};

type CreateSchema<Spec extends FieldSpec> = Spec extends { default: unknown }
  ? z.ZodDefault<RestSchema<Spec> & z.ZodType>
  : Spec extends { create: 'optional' }
    ? z.ZodOptional<RestSchema<Spec> & z.ZodType>
    : RestSchema<Spec>;

export type CreateShape<Table extends FieldTable> = {
  -readonly [Field in KeysWhere<Table, { rest: 'create' | 'write' }>]: CreateSchema<Table[Field]>;
};

export type ReplicatedShape<Table extends FieldTable> = {
  -readonly [Field in keyof Table as ReplicatedKey<Field, Table[Field]>]: WithNull<
    Table[Field],
    Table[Field]['type']['replicated']
  >;
};

type RowKey<Field, Spec> = Spec extends { instanceSync: 'row' }
  ? Field
  : Spec extends { instanceSync: { name: infer Name extends string; in: 'row' } }
    ? Name
    : never;

type InstanceSyncBase<Spec extends FieldSpec> = Spec['type'] extends { instanceSync: infer Schema }
  ? Schema & z.ZodType
  : Spec['type']['rest'];

/** A value that may be absent or null, and then is the fallback. */
type Defaulted<Schema extends z.ZodType> = z.ZodPipe<
  z.ZodOptional<z.ZodNullable<Schema>>,
  z.ZodTransform<z.output<Schema>, z.output<Schema> | null | undefined>
>;

type InstanceSyncSchema<Spec extends FieldSpec> = Spec extends { instanceSyncSchema: infer Schema }
  ? Schema
  : Spec['type'] extends { instanceSyncWhole: infer Schema }
    ? Schema
    : Spec extends { default: unknown } | { instanceSyncDefault: unknown }
      ? Defaulted<InstanceSyncBase<Spec>>
      : InstanceSyncBase<Spec>;

export type InstanceSyncRowShape<Table extends FieldTable> = {
  -readonly [Field in keyof Table as RowKey<Field, Table[Field]>]: InstanceSyncSchema<Table[Field]>;
};

type MessageKey<Field, Spec> = Spec extends { instanceSync: 'message' }
  ? Field
  : Spec extends { instanceSync: { name: infer Name extends string; in: 'message' } }
    ? Name
    : never;

export type InstanceSyncMessageShape<Table extends FieldTable> = {
  -readonly [Field in keyof Table as MessageKey<Field, Table[Field]>]: MessageKey<
    Field,
    Table[Field]
  > extends 'repository_id'
    ? typeof numericIdSchema
    : typeof optionalRemoteIdSchema;
};

const withNull = (spec: FieldSpec, schema: z.ZodType): z.ZodType =>
  spec.nullable ? schema.nullable() : schema;

/** The entity as the REST API answers it. */
export function responseShape<Table extends FieldTable>(table: Table): ResponseShape<Table> {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, spec] of fieldEntries(table)) {
    if (spec.rest !== undefined) shape[field] = withNull(spec, spec.type.response);
  }
  return shape as ResponseShape<Table>;
}

/** Every field an update may change (each optional in the update schema). */
export function updateShape<Table extends FieldTable>(table: Table): UpdateShape<Table> {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, spec] of fieldEntries(table)) {
    if (spec.rest === 'write') shape[field] = withNull(spec, spec.type.rest);
  }
  return shape as UpdateShape<Table>;
}

/** An update request: any of the writable fields, at least one. */
export function updateSchema<Table extends FieldTable>(table: Table) {
  return z
    .strictObject(updateShape(table))
    .partial()
    .refine((value) => Object.keys(value).length > 0, 'name at least one field to change');
}

/** A create request: defaults where the table has them, the rest required. */
export function createShape<Table extends FieldTable>(table: Table): CreateShape<Table> {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, spec] of fieldEntries(table)) {
    if (spec.rest !== 'create' && spec.rest !== 'write') continue;
    const schema = withNull(spec, spec.type.rest);
    if ('default' in spec) shape[field] = schema.default(spec.default);
    else if (spec.create === 'optional') shape[field] = schema.optional();
    else if (spec.create === 'non-empty') shape[field] = (schema as z.ZodString).min(1, 'must not be empty');
    else shape[field] = schema;
  }
  return shape as CreateShape<Table>;
}

/** The entity as replication carries it (flat, references by uid, `_deleted`). */
export function replicatedShape<Table extends FieldTable>(table: Table): ReplicatedShape<Table> {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, spec] of fieldEntries(table)) {
    const name = replicatedName(field, spec);
    if (name !== null) shape[name] = withNull(spec, spec.type.replicated);
  }
  return shape as ReplicatedShape<Table>;
}

/**
 * The fields of one entity's row on the instance-sync wire. Lenient where openDeepWiki's
 * sender differs (null for "no value", its status words, times and metadata as Go writes
 * them): an absent or null value is the field's instance-sync default.
 */
export function instanceSyncRowShape<Table extends FieldTable>(table: Table): InstanceSyncRowShape<Table> {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, spec] of fieldEntries(table)) {
    const place = instanceSyncPlace(field, spec);
    if (place?.in !== 'row') continue;
    const whole = spec.instanceSyncSchema ?? spec.type.instanceSyncWhole;
    const base = spec.type.instanceSync ?? spec.type.rest;
    const fallback = 'instanceSyncDefault' in spec ? spec.instanceSyncDefault : spec.default;
    if (whole !== undefined) shape[place.name] = whole;
    else if (!('default' in spec) && !('instanceSyncDefault' in spec)) shape[place.name] = base;
    else shape[place.name] = base.nullish().transform((value) => value ?? fallback);
  }
  return shape as InstanceSyncRowShape<Table>;
}

/**
 * The ids a per-row message (`repository-upsert`, `task-create`, `document-create`) carries
 * beside the row: the repository's, which every message names, and the row's own and its
 * references', which may be absent, 0 or null for none. Whose ids they are (the sender's or
 * the receiver's) each message says.
 */
export function instanceSyncMessageShape<Table extends FieldTable>(
  table: Table,
): InstanceSyncMessageShape<Table> {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, spec] of fieldEntries(table)) {
    const place = instanceSyncPlace(field, spec);
    if (place?.in !== 'message') continue;
    shape[place.name] = place.name === 'repository_id' ? numericIdSchema : optionalRemoteIdSchema;
  }
  return shape as InstanceSyncMessageShape<Table>;
}
