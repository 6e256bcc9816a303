// The shape of a field table: one per entity (repository-fields.ts, task-fields.ts,
// document-fields.ts), one row per field, saying what the field holds and where it travels.
// Everything that lists an entity's fields is derived from its table: the zod schemas of the
// REST API, of replication and of instance sync (zod-shapes.ts), the fields replication
// compares, the browser's RxDB schemas and the server's column lists. Adding a field is one
// row in its table plus a migration; field-table.test.ts checks that every derived list has it.
import type { z } from 'zod';
import type { CollectionName } from '../../replication/collection-name.js';
import type { FieldType, JsonSchemaFragment } from './field-types.js';

/**
 * Who writes a field through the REST API: `read`, only the server (it is in answers only);
 * `create`, the creator, once (in create requests and answers); `write`, anyone who may
 * write the row (create and update requests, and answers).
 */
export type RestAccess = 'read' | 'create' | 'write';

/**
 * Where a field travels in instance-sync messages (PROTOCOL.md §2): in each `row` (one schema
 * per entity, shared by the per-row and batch messages), or beside the row in the `message`
 * (ids and references the receiver resolves through its id mapping).
 */
export type InstanceSyncPlace = 'row' | 'message';

export interface FieldSpec {
  readonly type: FieldType;
  /** What people read for it (conflict dialog, forms) where its name, humanised, reads badly. */
  readonly label?: string;
  /** Null is a value (an unset time, a reference to nothing). */
  readonly nullable?: boolean;
  /**
   * For a reference: the entity it names, and what the table keeps of it. By `id`: an owner,
   * a foreign key (the row cannot exist before it). By `uid`: a pointer sideways, kept by uid
   * so that either end may arrive first (an offline client creates both), in the column named
   * as on the replication wire; views (`task_rows`, `document_rows`) add its numeric id under
   * the field's name for the REST and instance-sync wires.
   */
  readonly references?: { readonly entity: CollectionName; readonly by: 'id' | 'uid' };
  /** Absent: not on the REST API. */
  readonly rest?: RestAccess;
  /** REST create without a default: `optional` (the server makes one) or required and `non-empty`. */
  readonly create?: 'optional' | 'non-empty';
  /** Absent: not replicated; `true`: under the field's name; a string: under that name. */
  readonly replication?: true | string;
  /** Absent: not on the instance-sync wire; an object when its name there differs. */
  readonly instanceSync?: InstanceSyncPlace | { readonly name: string; readonly in: InstanceSyncPlace };
  /** The field's instance-sync rule where its kind's rule does not fit it. */
  readonly instanceSyncSchema?: z.ZodType;
  /** Compared to tell two replicated states apart (conflicts, and whether a row needs a push). */
  readonly compared?: boolean;
  /** A new row's value when the writer sends none; no default: the writer must send it. */
  readonly default?: unknown;
  /** What instance sync stores when a peer sends none, where that differs from `default`. */
  readonly instanceSyncDefault?: unknown;
}

export type FieldTable = Readonly<Record<string, FieldSpec>>;

/** A value field that travels on every wire, written through REST and compared. */
export const EVERY_WIRE = {
  rest: 'write',
  replication: true,
  instanceSync: 'row',
  compared: true,
} as const satisfies Partial<FieldSpec>;

/** Keeps the table's literal types, which the derived zod schemas are typed from. */
export function defineFields<const Table extends FieldTable>(table: Table): Table {
  return table;
}

/** Its name in a replicated document, or null when it is not replicated. */
export function replicatedName(field: string, spec: FieldSpec): string | null {
  if (spec.replication === undefined) return null;
  return spec.replication === true ? field : spec.replication;
}

/** Its name and place on the instance-sync wire, or null when it does not travel there. */
export function instanceSyncPlace(
  field: string,
  spec: FieldSpec,
): { name: string; in: InstanceSyncPlace } | null {
  if (spec.instanceSync === undefined) return null;
  return typeof spec.instanceSync === 'string' ? { name: field, in: spec.instanceSync } : spec.instanceSync;
}

/**
 * The table column that holds it: a pointer by uid is kept under its replication name
 * (`doc_uid`); everything else under the field's name, which is also its name in the views
 * the REST and instance-sync wires read.
 */
export function columnOf(field: string, spec: FieldSpec): string {
  if (spec.type.role === 'tombstone') return 'deleted';
  return spec.references?.by === 'uid' ? replicatedName(field, spec)! : field;
}

/** The table's fields in order, as `[name, spec]` pairs. */
export function fieldEntries(table: FieldTable): [string, FieldSpec][] {
  return Object.entries(table);
}

/**
 * The JSON Schema of each replicated field by its replicated name, as the browser's replica
 * declares its properties (the tombstone is RxDB's own `_deleted`, not a property). Fresh
 * objects: RxDB fills in what it adds to a schema on the object it is given.
 */
export function replicatedJsonProperties(table: FieldTable): Record<string, JsonSchemaFragment> {
  const properties: Record<string, JsonSchemaFragment> = {};
  for (const [field, spec] of fieldEntries(table)) {
    const name = replicatedName(field, spec);
    const json = spec.type.json;
    if (name === null || json === null) continue;
    const nullable = spec.type.nullableJson ?? { ...json, type: [json.type, 'null'] };
    properties[name] = copyOf(spec.nullable ? nullable : json) as JsonSchemaFragment;
  }
  return properties;
}

/** A field's name in a replicated document, for TypeScript. */
export type ReplicatedKey<Field, Spec> = Spec extends { replication: infer Name }
  ? Name extends string
    ? Name
    : Field
  : never;

export type ComparedName<Table extends FieldTable> = {
  [Field in keyof Table]: Table[Field] extends { compared: true }
    ? ReplicatedKey<Field, Table[Field]>
    : never;
}[keyof Table];

/** The replicated names of the compared fields, in table order. */
export function comparedFields<Table extends FieldTable>(table: Table): readonly ComparedName<Table>[] {
  return fieldEntries(table).flatMap(([field, spec]) =>
    spec.compared ? [replicatedName(field, spec) ?? field] : [],
  ) as ComparedName<Table>[];
}

/** Replicated names of the fields that have a default. */
type DefaultedName<Table extends FieldTable, Field extends keyof Table> = Table[Field] extends {
  default: unknown;
}
  ? ReplicatedKey<Field, Table[Field]>
  : never;

/** The defaults of a new replicated row, by replicated name (a fresh copy each time). */
export type ReplicatedDefaults<Table extends FieldTable> = {
  -readonly [Field in keyof Table as DefaultedName<Table, Field>]: Table[Field] extends {
    default: infer Value;
  }
    ? // An empty object (metadata's default) stands for any object.
      Value extends Readonly<Record<string, never>>
      ? Record<string, unknown>
      : Value
    : never;
};

/** A JSON value of the table, copied when it is an object: no two rows or schemas share one. */
function copyOf(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value;
}

export function replicatedDefaults<Table extends FieldTable>(table: Table): ReplicatedDefaults<Table> {
  const defaults: Record<string, unknown> = {};
  for (const [field, spec] of fieldEntries(table)) {
    const name = replicatedName(field, spec);
    if (name !== null && 'default' in spec) defaults[name] = copyOf(spec.default);
  }
  return defaults as ReplicatedDefaults<Table>;
}
