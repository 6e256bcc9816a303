// The field tables of the shared package (model/fields) as SQL: which columns each wire reads
// and writes, and how a database row becomes the entity on each wire. The stores, replication
// and instance sync take their column lists from here, so a field added to a table reaches
// every statement. Column names come only from the tables, never from a request.
import {
  columnOf,
  fieldEntries,
  METADATA_MAX_DEPTH,
  UID_PATTERN,
  uidSchema,
  instanceSyncPlace,
  replicatedName,
  type FieldSpec,
  type FieldTable,
} from '@wikisync/shared';
import { z } from 'zod';
import { isoTime, isoTimeOrNull, numberOrNull } from './row.js';

/**
 * The wires a row is read for: references are numeric ids on REST, uids in replication and
 * ids with 0 for none on instance sync (openDeepWiki's Go decoder takes nothing else).
 */
export type RowWire = 'rest' | 'replication' | 'instanceSync';

const onWire = (wire: RowWire) => (field: string, spec: FieldSpec) =>
  wire === 'rest'
    ? spec.rest !== undefined
    : wire === 'replication'
      ? spec.replication !== undefined
      : spec.instanceSync !== undefined;

/**
 * The columns the REST and instance-sync wires read, under the field's name: tasks and
 * documents are read from their views (`task_rows`, `document_rows`), which add the numeric
 * ids of the pointers kept by uid.
 */
export function readColumns(table: FieldTable, wire: Exclude<RowWire, 'replication'>): string[] {
  return fieldEntries(table).flatMap(([field, spec]) => (onWire(wire)(field, spec) ? [field] : []));
}

/**
 * What a REST store needs of its entity's table: the columns it reads (`columns`), writes on
 * create and on update, and its rows as the API answers them.
 */
export function restStoreColumns<Entity>(table: FieldTable) {
  return {
    columns: readColumns(table, 'rest').join(', '),
    create: restWriteColumns(table, 'create'),
    update: restWriteColumns(table, 'update'),
    fromRow: (row: Record<string, unknown>) => rowToWire(table, 'rest', row) as Entity,
  };
}

/** The columns REST writes on create (`create` and `write` fields) or on update (`write` only). */
export function restWriteColumns(table: FieldTable, on: 'create' | 'update'): string[] {
  return fieldEntries(table).flatMap(([field, spec]) =>
    spec.rest === 'write' || (on === 'create' && spec.rest === 'create') ? [columnOf(field, spec)] : [],
  );
}

/**
 * The value fields a peer sends in each row, which are stored as they arrive: not ids,
 * references, stamps or tombstones, which every receiver resolves in its own way.
 */
export function isInstanceSyncValue(field: string, spec: FieldSpec): boolean {
  return spec.type.role === 'value' && instanceSyncPlace(field, spec)?.in === 'row';
}

export function instanceSyncValueColumns(table: FieldTable): string[] {
  return fieldEntries(table).flatMap(([field, spec]) =>
    isInstanceSyncValue(field, spec) ? [columnOf(field, spec)] : [],
  );
}

/** Column types of the instance-sync stage (receiver/row-stage.ts). */
export type SqlType =
  'text' | 'integer' | 'bigint' | 'boolean' | 'double precision' | 'timestamptz' | 'jsonb';

export function sqlTypeOf(spec: FieldSpec): SqlType {
  switch (spec.type.name) {
    case 'id':
      return 'bigint';
    case 'reference':
      return spec.references?.by === 'uid' ? 'text' : 'bigint';
    case 'integer':
      return 'integer';
    case 'number':
      return 'double precision';
    case 'boolean':
    case 'tombstone':
      return 'boolean';
    case 'time':
      return 'timestamptz';
    case 'json':
      return 'jsonb';
    default:
      return 'text';
  }
}

/** SQL's spelling of a string constant (for values from the field tables, never a request's). */
const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** What the instance-sync rule of a value field makes of a null: its fallback, if it has one. */
function nullFallback(spec: FieldSpec): { has: boolean; value?: unknown } {
  if ('instanceSyncDefault' in spec) return { has: true, value: spec.instanceSyncDefault };
  if ('default' in spec) return { has: true, value: spec.default };
  return { has: false };
}

/** A time the wire's rule keeps as it is: not Go's zero time, and four digits of year. */
const plainTime = (column: string) =>
  `(${column} IS NULL OR ${column} BETWEEN '1000-01-01T00:00:00Z' AND '9999-12-31T00:00:00Z')`;

/**
 * A SQL condition on a staged value (`column`, of the type `sqlTypeOf(spec)` gives) that holds
 * only when the field's instance-sync rule (its schema in the shared package) takes that value
 * exactly as it is: no fallback for a null, no alias for a status, no metadata dropped, no
 * limit broken. It may refuse values the rule would take (those are read back and checked by
 * the rule itself); it must never pass one the rule would refuse or change. The limits are
 * read from the rule's own schema; a kind not described here is never plain.
 */
export function plainInstanceSyncValue(spec: FieldSpec, column: string): string {
  const fallback = nullFallback(spec);
  // A null the rule keeps (its fallback is null) is plain; one it replaces is not.
  const orNull = (condition: string) =>
    fallback.has && fallback.value === null ? `(${column} IS NULL OR ${condition})` : condition;
  const rule = spec.type.instanceSync ?? spec.type.rest;
  switch (spec.type.name) {
    case 'text': {
      if (!(rule instanceof z.ZodString)) return 'false';
      // PostgreSQL text holds no NUL, and the schemas count code points, as char_length does
      // in UTF-8. A text of no more bytes than that is within it without being read (the size
      // of a compressed value is in its header); only a longer one is counted.
      const checks = [`${column} IS NOT NULL`];
      if (rule.maxLength !== null)
        checks.push(
          `(octet_length(${column}) <= ${rule.maxLength} OR char_length(${column}) <= ${rule.maxLength})`,
        );
      if (rule.minLength !== null && rule.minLength > 0)
        checks.push(`char_length(${column}) >= ${rule.minLength}`);
      return orNull(checks.join(' AND '));
    }
    case 'integer': {
      if (!(rule instanceof z.ZodNumber) || rule.minValue === null || rule.maxValue === null) return 'false';
      return orNull(`${column} BETWEEN ${rule.minValue} AND ${rule.maxValue}`);
    }
    case 'boolean':
    case 'tombstone':
      return orNull(`${column} IS NOT NULL`);
    case 'enum':
      // Only the values themselves: an alias is changed into its value.
      return orNull(`${column} IN (${(spec.type.values ?? []).map(sqlString).join(', ') || 'NULL'})`);
    case 'time':
      return plainTime(column);
    case 'json':
      // A JSON text of n bytes nests at most n/2 levels (each level opens and closes), and a
      // jsonb's text is never shorter than the JSON.stringify the limits measure.
      return `(jsonb_typeof(${column}) = 'object' AND octet_length(${column}::text) <= ${2 * METADATA_MAX_DEPTH})`;
    case 'uid':
      // The pattern is also a POSIX regular expression, and means the same there.
      return `(${column} ~ ${sqlString(UID_PATTERN.source)} AND octet_length(${column}) <= ${uidSchema.maxLength})`;
    default:
      return 'false';
  }
}

const stringOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));
/** A reference as openDeepWiki's wire has it: the id, or 0 for none. */
const idOrZero = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

/** One column's value as the wire carries it. */
function wireValue(spec: FieldSpec, wire: RowWire, value: unknown): unknown {
  switch (spec.type.name) {
    case 'reference':
      if (wire === 'replication') return spec.nullable ? stringOrNull(value) : String(value);
      if (wire === 'instanceSync' && spec.nullable) return idOrZero(value);
      return spec.nullable ? numberOrNull(value) : Number(value);
    case 'id':
    case 'integer':
    case 'number':
      return Number(value);
    case 'boolean':
    case 'tombstone':
      return Boolean(value);
    case 'time':
      return spec.nullable ? isoTimeOrNull(value) : isoTime(value);
    case 'json':
      return value ?? {};
    default:
      return String(value);
  }
}

/** One field as a wire reads it: the key it goes under, the column it comes from, and how. */
interface WireField {
  key: string;
  column: string;
  spec: FieldSpec;
}

/**
 * Each table's fields on each wire, worked out once: every REST answer, changes page and
 * instance-sync row goes through `rowToWire`, thousands of rows a request, and deciding the
 * names and columns again for every row cost more than converting its values.
 */
const wireFields = new WeakMap<FieldTable, Map<RowWire, readonly WireField[]>>();

function fieldsOnWire(table: FieldTable, wire: RowWire): readonly WireField[] {
  let byWire = wireFields.get(table);
  if (!byWire) wireFields.set(table, (byWire = new Map()));
  let fields = byWire.get(wire);
  if (!fields) {
    fields = fieldEntries(table).flatMap(([field, spec]): WireField[] => {
      if (!onWire(wire)(field, spec)) return [];
      if (wire === 'rest') return [{ key: field, column: field, spec }];
      if (wire === 'instanceSync')
        return [{ key: instanceSyncPlace(field, spec)!.name, column: field, spec }];
      const name = replicatedName(field, spec)!;
      return [{ key: name, column: spec.references?.by === 'id' ? name : columnOf(field, spec), spec }];
    });
    byWire.set(wire, fields);
  }
  return fields;
}

/**
 * The entity on `wire` from a row read with that wire's columns (`readColumns`, or a
 * replication select, which names an owner by its replicated name).
 */
export function rowToWire(
  table: FieldTable,
  wire: RowWire,
  row: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, column, spec } of fieldsOnWire(table, wire))
    result[key] = wireValue(spec, wire, row[column]);
  return result;
}
