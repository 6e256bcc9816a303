// The stage rows from another server travel through to SQL: a temporary table of the
// connection that `stageRows` fills from one JSON parameter, and the table specs that say
// which columns a synced task or document has. Staging needs no repository lock, so a batch
// receiver stages its megabytes before taking it, and the writes under the lock (row-apply.ts)
// only read the stage (the lock keeps the repository's other writers waiting; parsing JSON
// while holding it made the receiver's writes the bottleneck of a push). Which columns a synced
// task or document has comes from the field tables (packages/shared/src/model/fields).
import { columnOf, DOCUMENT_FIELDS, fieldEntries, TASK_FIELDS, type FieldTable } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { isInstanceSyncValue, plainInstanceSyncValue, sqlTypeOf, type SqlType } from '../../db/field-rows.js';
import type { SyncEntity } from '../wire/id-map.js';
import { copyText, lineBytes } from '../wire/line-bytes.js';
import type { UidReferenceColumn } from './uid-references.js';

export interface ColumnSpec {
  name: string;
  type: SqlType;
  /**
   * Known only under the lock (resolved through a mapping, like a document's task): not
   * staged, it travels with the write instead.
   */
  resolved?: boolean;
  /** Large values: read back by their size only, never whole (`stagePgText`). */
  large?: boolean;
  /**
   * SQL that holds when its staged value is one the wire's rule takes as it is (field-rows.ts);
   * `true` for a resolved column, which is not staged.
   */
  plain: string;
}

/**
 * A field of a peer's row that is not a value column, as staged from COPY text (`pg-text-v1`,
 * `pg-text-tasks-v1`): the sender's id, uid, tombstone, references and, for tasks, usages,
 * kept beside the values until they are read back.
 */
export interface WireColumn {
  /** Its name on the wire (the body's column). */
  wire: string;
  /** Its column in the stage. */
  stage: string;
  type: 'bigint' | 'text' | 'boolean' | 'jsonb';
  /** SQL that holds when the staged value is one the row's schema takes as it is. */
  plain: string;
}

export interface TableSpec {
  table: 'tasks' | 'documents';
  entity: Extract<SyncEntity, 'task' | 'document'>;
  columns: readonly ColumnSpec[];
  /** The wire fields COPY text stages beside the values. */
  wire: readonly WireColumn[];
  /** SQL that holds when the staged `created_at` and `updated_at` are taken as they are. */
  plainStamps: string;
}

/**
 * The columns a peer's row fills, in table order: its value fields, and the references the
 * receiver resolves under the lock (a document's task). The repository is the one the rows
 * are applied to.
 */
function columnsOf(table: FieldTable, large: readonly string[] = []): ColumnSpec[] {
  return fieldEntries(table).flatMap(([field, spec]): ColumnSpec[] => {
    const name = columnOf(field, spec);
    const column = { name, type: sqlTypeOf(spec), plain: plainInstanceSyncValue(spec, name) };
    if (spec.references?.by === 'id' && spec.references.entity !== 'repositories')
      // Not staged: the sender's id is a wire column (`wireColumnsOf`), which has the rule.
      return [{ ...column, resolved: true, plain: 'true' }];
    if (!isInstanceSyncValue(field, spec)) return [];
    return [large.includes(column.name) ? { ...column, large: true } : column];
  });
}

/** A sender's id, or none (null) where `optional`: a value the wire's rule keeps as it is. */
const plainId = (column: string, optional: boolean) =>
  `${optional ? `(${column} IS NULL OR ` : '('}${column} BETWEEN 1 AND ${Number.MAX_SAFE_INTEGER})`;

/**
 * The wire columns of `table`'s rows: the sender's id, uid and tombstone, the sender's ids of
 * the references resolved under the lock, and `extras` (a task's references and usages).
 */
function wireColumnsOf(
  table: FieldTable,
  entity: TableSpec['entity'],
  extras: readonly { wire: string; type: WireColumn['type']; plain: (stage: string) => string }[] = [],
): WireColumn[] {
  const specs = new Map(fieldEntries(table));
  const resolved = columnsOf(table).filter((column) => column.resolved);
  const column = (wire: string, type: WireColumn['type'], plain: (stage: string) => string) => {
    const stage = wire === `${entity}_id` ? 'wire_id' : `wire_${wire}`;
    return { wire, stage, type, plain: plain(stage) };
  };
  return [
    column(`${entity}_id`, 'bigint', (stage) => plainId(stage, false)),
    column('uid', 'text', (stage) => plainInstanceSyncValue(specs.get('uid')!, stage)),
    column('deleted', 'boolean', (stage) => plainInstanceSyncValue(specs.get('deleted')!, stage)),
    ...resolved.map((value) => column(value.name, 'bigint', (stage) => plainId(stage, true))),
    ...extras.map((extra) => column(extra.wire, extra.type, extra.plain)),
  ];
}

/** The `plain` condition of the row's times (field-rows.ts `plainInstanceSyncValue`). */
function plainStampsOf(table: FieldTable): string {
  const specs = new Map(fieldEntries(table));
  return ['created_at', 'updated_at']
    .map((field) => plainInstanceSyncValue(specs.get(field)!, field))
    .join(' AND ');
}

/** A uid or none: the rule of a reference by uid (`doc_uid`, `run_after_uid`, `replaced_by_uid`). */
const plainUidOrNone = (stage: string) =>
  `(${stage} IS NULL OR ${plainInstanceSyncValue(TASK_FIELDS.uid, stage)})`;

export const TASK_TABLE: TableSpec = {
  table: 'tasks',
  entity: 'task',
  columns: columnsOf(TASK_FIELDS),
  // A task row's references (the sender's ids and the uids) and its whole list of usages,
  // which only an empty list is plain for: usages are checked and written row by row.
  wire: wireColumnsOf(TASK_FIELDS, 'task', [
    { wire: 'run_after', type: 'bigint', plain: (stage) => plainId(stage, true) },
    { wire: 'doc_id', type: 'bigint', plain: (stage) => plainId(stage, true) },
    { wire: 'doc_uid', type: 'text', plain: plainUidOrNone },
    { wire: 'run_after_uid', type: 'text', plain: plainUidOrNone },
    { wire: 'task_usages', type: 'jsonb', plain: (stage) => `${stage} = '[]'::jsonb` },
  ]),
  plainStamps: plainStampsOf(TASK_FIELDS),
};

export const DOCUMENT_TABLE: TableSpec = {
  table: 'documents',
  entity: 'document',
  columns: columnsOf(DOCUMENT_FIELDS, ['content']),
  // A document row's newer version (the sender's id and the uid), when the body carries it.
  wire: wireColumnsOf(DOCUMENT_FIELDS, 'document', [
    { wire: 'replaced_by', type: 'bigint', plain: (stage) => plainId(stage, true) },
    { wire: 'replaced_by_uid', type: 'text', plain: plainUidOrNone },
  ]),
  plainStamps: plainStampsOf(DOCUMENT_FIELDS),
};

/** One incoming row: the peer's id (null when the peer sent none), its uid and values. */
export interface IncomingRow {
  remoteId: number | null;
  uid: string | undefined;
  deleted: boolean;
  /** Every column of the table spec; `created_at`/`updated_at` may be null (= now). */
  values: Record<string, unknown>;
  createdAt: string | null;
  updatedAt: string | null;
  /** Its key in the table's stage, set by `stageRows`. */
  staged?: number;
  /**
   * The row's references as the uids it is written with (null: none), those the sender sent
   * with the row (a task's `doc_uid` and `run_after_uid`, a document's `replaced_by_uid`;
   * uid-references.ts); a column left out keeps the reference as it is.
   */
  uidReferences?: Partial<Record<UidReferenceColumn, string | null>>;
}

export const stageTable = (spec: TableSpec) => `pg_temp.sync_stage_${spec.table}`;
const stagedColumns = (spec: TableSpec) => spec.columns.filter((column) => !column.resolved);
export const resolvedColumns = (spec: TableSpec) => spec.columns.filter((column) => column.resolved);
const columnTypes = (columns: readonly ColumnSpec[]) =>
  columns.map((column) => `${column.name} ${column.type}`);

/**
 * The next free stage key of each transaction (a `Queryable` lives for one transaction).
 * Keys only grow, so they stay unique within it whatever a savepoint rolled back; the stage
 * itself is emptied at commit.
 */
const stageKeys = new WeakMap<Queryable, number>();

/** Batches of at least this many rows are staged with COPY; fewer with one INSERT. */
export const COPY_MIN_ROWS = 32;

/**
 * Keys of rows staged straight from a peer's COPY text (`stagePgText`) start here, drawn by
 * the stage's identity column; keys `stageRows` gives count from 0, far below.
 */
const PG_TEXT_FIRST_KEY = 1_000_000_000;

/** Creates this connection's stage for `spec` unless it has one. */
async function ensureStage(tx: Queryable, spec: TableSpec): Promise<void> {
  const table = stageTable(spec);
  const [found] = await tx.query<{ present: boolean }>(
    `SELECT to_regclass($1::text) IS NOT NULL AS present`,
    [table],
  );
  if (found?.present) return;
  // Asked only when the stage is made (once per connection): pg_settings builds every setting.
  const [server] = await tx.query<{ lz4: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) AS lz4`,
  );
  // Large values are compressed as they are staged, before the lock, and written into the
  // table as they are (PostgreSQL copies a compressed value without compressing it again).
  // Staged uncompressed, every document was compressed under the repository's lock, one chunk
  // after another (bench instance-sync: the documents' INSERT 0.72 → 0.43 s, the stage's COPY
  // 1.08 → 0.88 s, for 46 MB). With lz4 where the server has it (the embedded database has
  // only pglz): a received document keeps lz4 in the table, which PostgreSQL reads like any
  // other value, and compressing 46 MB took about a third of pglz's time.
  const compression = server?.lz4 ? ' COMPRESSION lz4' : '';
  const columns = stagedColumns(spec).map(
    (column) => `${column.name} ${column.type}${column.large ? compression : ''}`,
  );
  const wire = spec.wire.map((column) => `${column.stage} ${column.type}`);
  await tx.exec(
    `CREATE TEMP TABLE ${table.slice('pg_temp.'.length)} (n integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY (START WITH ${PG_TEXT_FIRST_KEY}), ${columns.join(', ')}, created_at timestamptz, updated_at timestamptz, ${wire.join(', ')}) ON COMMIT DELETE ROWS`,
  );
}

/** A stage row as one element of a `{v: [...]}` list: its key, staged values and times. */
function stageRecord(
  spec: TableSpec,
  n: number,
  row: Pick<IncomingRow, 'values' | 'createdAt' | 'updatedAt'>,
): Record<string, unknown> {
  const record: Record<string, unknown> = { n };
  for (const column of stagedColumns(spec)) record[column.name] = row.values[column.name];
  record.created_at = row.createdAt;
  record.updated_at = row.updatedAt;
  return record;
}

/** The FROM item `x` of the `stageRecord` list in `$1`. */
const stageRecordset = (spec: TableSpec) =>
  `jsonb_to_recordset($1::jsonb->'v') AS x(n integer, ${columnTypes(stagedColumns(spec)).join(', ')}, created_at timestamptz, updated_at timestamptz)`;

/**
 * Copies rows into the table's stage and sets their `staged` key; rows already staged are
 * left alone. Takes no lock on a shared table: the stage belongs to this connection and is
 * emptied when the transaction ends.
 */
export async function stageRows(tx: Queryable, spec: TableSpec, rows: readonly IncomingRow[]): Promise<void> {
  const pending = rows.filter((row) => row.staged === undefined);
  if (pending.length === 0) return;
  const table = stageTable(spec);
  const columns = stagedColumns(spec);
  await ensureStage(tx, spec);
  const next = stageKeys.get(tx) ?? 0;
  stageKeys.set(tx, next + pending.length);
  const names = columns.map((column) => column.name);
  if (pending.length < COPY_MIN_ROWS) {
    // A few rows (the per-call endpoints stage one): one statement; COPY costs a round trip
    // more. (COPY's data and its end are two writes; until the driver's sockets were set to
    // TCP_NODELAY, patches/postgres@3.4.9.patch, Nagle held the end for the server's delayed
    // ACK, ~40 ms per COPY of any size.)
    await tx.query(
      `INSERT INTO ${table} (n, ${names.join(', ')}, created_at, updated_at)
       SELECT ${['n', ...names, 'created_at', 'updated_at'].map((name) => `x.${name}`).join(', ')}
         FROM ${stageRecordset(spec)}`,
      [{ v: pending.map((row, index) => stageRecord(spec, next + index, row)) }],
    );
  } else {
    // COPY's text format: no parameter for the server to parse as JSON first, which for a
    // batch of documents was megabytes of jsonb built only to be taken apart again.
    const lines = pending.map((row, index) => {
      const fields = [String(next + index)];
      for (const column of columns) fields.push(copyText(row.values[column.name], column.type));
      fields.push(copyText(row.createdAt, 'timestamptz'), copyText(row.updatedAt, 'timestamptz'));
      return fields.join('\t');
    });
    await tx.copyIn(`${table} (n, ${names.join(', ')}, created_at, updated_at)`, lineBytes(lines));
  }
  pending.forEach((row, index) => (row.staged = next + index));
}

/** A peer's COPY-text rows in the stage: their keys, wire fields and small values. */
export interface StagedText {
  n: number;
  /**
   * Every value of the row is one the schemas take as it is (`plainRow`): `row` holds only its
   * wire fields (the sender's ids, uid, tombstone and a task's references), and its values stay
   * in the stage unread.
   */
  plain: boolean;
  /** The row as the schemas read it, its large values left out (`largeBytes` says their size). */
  row: Record<string, unknown>;
  /** Per large column: its size in bytes, or null when the row sent none. */
  largeBytes: Record<string, number | null>;
}

/**
 * SQL that holds for a staged row of a peer whose every value the schemas would take exactly
 * as staged (ids, uid, tombstone, times and values; field-rows.ts `plainInstanceSyncValue`).
 * Never null: a row it cannot vouch for is read back and checked.
 */
export const plainRow = (spec: TableSpec) =>
  `COALESCE(${[
    ...spec.wire.map((column) => column.plain),
    spec.plainStamps,
    ...stagedColumns(spec).map((column) => column.plain),
  ].join(' AND ')}, false)`;

/**
 * Loads COPY text straight into the stage, the columns named by their wire names (`columns`,
 * checked by the caller to be the table's), and reads back every row's wire fields
 * (`readPgText`). Nothing is decoded on the way in: a body the database cannot read fails the
 * COPY, and with it the caller's transaction.
 */
export async function stagePgText(
  tx: Queryable,
  spec: TableSpec,
  columns: readonly string[],
  data: readonly Uint8Array[],
): Promise<StagedText[]> {
  return readPgText(tx, spec, columns, await copyPgText(tx, spec, columns, data));
}

/**
 * The COPY of `stagePgText` alone: answers the stage key of the body's first row (its rows are
 * those from that key on, the stage's later keys).
 */
export async function copyPgText(
  tx: Queryable,
  spec: TableSpec,
  columns: readonly string[],
  data: readonly Uint8Array[],
): Promise<number> {
  await ensureStage(tx, spec);
  const table = stageTable(spec);
  const [row] = await tx.query<{ first: number }>(
    `SELECT coalesce(max(n) + 1, ${PG_TEXT_FIRST_KEY}) AS first FROM ${table} WHERE n >= ${PG_TEXT_FIRST_KEY}`,
  );
  const first = Number(row!.first);
  await tx.copyIn(`${table} (${columns.map((name) => pgTextStageName(spec, name)).join(', ')})`, data);
  return first;
}

/** The stage column of a `pg-text` body's column: a wire field's own, or the value's. */
export const pgTextStageName = (spec: TableSpec, name: string) =>
  spec.wire.find((column) => column.wire === name)?.stage ?? name;

/**
 * Reads back the wire fields of every row staged from key `first` on (`copyPgText`). A row the
 * database vouches for (`plainRow`) is not read further; the others' small values are, in
 * order, for the schemas to check.
 */
export async function readPgText(
  tx: Queryable,
  spec: TableSpec,
  columns: readonly string[],
  first: number,
): Promise<StagedText[]> {
  const table = stageTable(spec);
  const wire = new Map(spec.wire.map((column) => [column.wire, column]));
  const stageName = (name: string) => pgTextStageName(spec, name);
  const large = new Set(stagedColumns(spec).flatMap((column) => (column.large ? [column.name] : [])));
  const types = new Map(stagedColumns(spec).map((column) => [column.name, column.type]));
  const select = (names: readonly string[]) =>
    names.map((name) => {
      const column = stageName(name);
      if (large.has(name)) return `octet_length(${column}) AS "${name}"`;
      // Times as RFC 3339 text, the way the wire carries them.
      if (name === 'created_at' || name === 'updated_at' || types.get(name) === 'timestamptz')
        return `to_json(${column}) #>> '{}' AS "${name}"`;
      return `${column} AS "${name}"`;
    });
  const wireNames = columns.filter((name) => wire.has(name));
  const ids = new Set([...wire.values()].filter((column) => column.type === 'bigint').map((c) => c.wire));
  const read = (staged: Record<string, unknown>, names: readonly string[]) => {
    const values: Record<string, unknown> = {};
    const largeBytes: Record<string, number | null> = {};
    for (const name of names) {
      const value = staged[name];
      if (large.has(name)) largeBytes[name] = value === null ? null : Number(value);
      // int8 ids come back as numbers or strings depending on the driver.
      else values[name] = ids.has(name) && value !== null ? Number(value) : value;
    }
    return { values, largeBytes };
  };
  const [identities, checked] = await Promise.all([
    tx.query<Record<string, unknown>>(
      `SELECT n, ${select(wireNames).join(', ')} FROM ${table} WHERE n >= $1::integer ORDER BY n`,
      [first],
    ),
    tx.query<Record<string, unknown>>(
      `SELECT n, ${select(columns).join(', ')} FROM ${table} WHERE n >= $1::integer AND NOT ${plainRow(spec)} ORDER BY n`,
      [first],
    ),
  ]);
  const whole = new Map(checked.map((staged) => [Number(staged.n), read(staged, columns)]));
  return identities.map((staged) => {
    const n = Number(staged.n);
    const full = whole.get(n);
    if (full) return { n, plain: false, row: full.values, largeBytes: full.largeBytes };
    return { n, plain: true, row: read(staged, wireNames).values, largeBytes: {} };
  });
}

/** Reads one staged large value (one over the size that can be judged without reading it). */
export async function stagedValue(
  tx: Queryable,
  spec: TableSpec,
  n: number,
  column: string,
): Promise<unknown> {
  const [row] = await tx.query<{ value: unknown }>(
    `SELECT ${column} AS value FROM ${stageTable(spec)} WHERE n = $1::integer`,
    [n],
  );
  return row?.value;
}

/**
 * Writes values the schemas changed (defaults for nulls, metadata over its limits dropped,
 * times normalised) over what the peer's COPY text put in the stage, so the stage holds what
 * `stageRows` would have staged for the same rows.
 */
export async function restageValues(
  tx: Queryable,
  spec: TableSpec,
  rows: readonly {
    n: number;
    values: Record<string, unknown>;
    createdAt: string | null;
    updatedAt: string | null;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = stagedColumns(spec);
  await tx.query(
    `UPDATE ${stageTable(spec)} AS st
        SET ${columns
          .map((column) =>
            // A large value the peer sent stays as staged; one it sent as null takes the default.
            column.large
              ? `${column.name} = COALESCE(st.${column.name}, x.${column.name})`
              : `${column.name} = x.${column.name}`,
          )
          .join(', ')}, created_at = x.created_at, updated_at = x.updated_at
       FROM ${stageRecordset(spec)}
      WHERE st.n = x.n`,
    [{ v: rows.map((row) => stageRecord(spec, row.n, row)) }],
  );
}

/**
 * A FROM item of the rows named by a small `{v: [...]}` list (their stage key, `lead`, and the
 * resolved columns) joined to their staged values as `s`. The stage is read through its key,
 * in the list's order, whatever the planner knows of it.
 */
export function stagedSource(spec: TableSpec, lead: string): string {
  return `jsonb_to_recordset($1::jsonb->'v') AS x(n integer, ${[lead, ...columnTypes(resolvedColumns(spec))].join(', ')})
         CROSS JOIN LATERAL (SELECT * FROM ${stageTable(spec)} st WHERE st.n = x.n) s`;
}

/** The value of a column in a `stagedSource` query. */
export const valueOf = (column: ColumnSpec) => (column.resolved ? `x.${column.name}` : `s.${column.name}`);

export function listRecord(
  spec: TableSpec,
  row: IncomingRow,
  lead: Record<string, unknown>,
): Record<string, unknown> {
  const record: Record<string, unknown> = { n: row.staged, ...lead };
  for (const column of resolvedColumns(spec)) record[column.name] = row.values[column.name];
  return record;
}
