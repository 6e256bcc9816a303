// The stage rows from another server travel through to SQL: a temporary table of the
// connection that `stageRows` fills from one JSON parameter, and the table specs that say
// which columns a synced task or document has. Staging needs no repository lock, so a batch
// receiver stages its megabytes before taking it, and the writes under the lock (row-apply.ts)
// only read the stage (the lock keeps the repository's other writers waiting; parsing JSON
// while holding it made the receiver's writes the bottleneck of a push). Which columns a synced
// task or document has comes from the field tables (packages/shared/src/model/fields).
import { columnOf, DOCUMENT_FIELDS, fieldEntries, TASK_FIELDS, type FieldTable } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { isInstanceSyncValue, sqlTypeOf, type SqlType } from '../../db/field-rows.js';
import type { SyncEntity } from '../wire/id-map.js';
import { lineBytes } from '../wire/line-bytes.js';

export interface ColumnSpec {
  name: string;
  type: SqlType;
  /**
   * Known only under the lock (resolved through a mapping, like a document's task): not
   * staged, it travels with the write instead.
   */
  resolved?: boolean;
  /** Large values: staged out of line without compression (they are compressed once, on write). */
  large?: boolean;
}

export interface TableSpec {
  table: 'tasks' | 'documents';
  entity: Extract<SyncEntity, 'task' | 'document'>;
  columns: readonly ColumnSpec[];
}

/**
 * The columns a peer's row fills, in table order: its value fields, and the references the
 * receiver resolves under the lock (a document's task). The repository is the one the rows
 * are applied to.
 */
function columnsOf(table: FieldTable, large: readonly string[] = []): ColumnSpec[] {
  return fieldEntries(table).flatMap(([field, spec]): ColumnSpec[] => {
    const column = { name: columnOf(field, spec), type: sqlTypeOf(spec) };
    if (spec.references?.by === 'id' && spec.references.entity !== 'repositories')
      return [{ ...column, resolved: true }];
    if (!isInstanceSyncValue(field, spec)) return [];
    return [large.includes(column.name) ? { ...column, large: true } : column];
  });
}

export const TASK_TABLE: TableSpec = { table: 'tasks', entity: 'task', columns: columnsOf(TASK_FIELDS) };

export const DOCUMENT_TABLE: TableSpec = {
  table: 'documents',
  entity: 'document',
  columns: columnsOf(DOCUMENT_FIELDS, ['content']),
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
}

const stageTable = (spec: TableSpec) => `pg_temp.sync_stage_${spec.table}`;
const stagedColumns = (spec: TableSpec) => spec.columns.filter((column) => !column.resolved);
const resolvedColumns = (spec: TableSpec) => spec.columns.filter((column) => column.resolved);
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
 * Copies rows into the table's stage and sets their `staged` key; rows already staged are
 * left alone. Takes no lock on a shared table: the stage belongs to this connection and is
 * emptied when the transaction ends.
 */
export async function stageRows(tx: Queryable, spec: TableSpec, rows: readonly IncomingRow[]): Promise<void> {
  const pending = rows.filter((row) => row.staged === undefined);
  if (pending.length === 0) return;
  const table = stageTable(spec);
  const columns = stagedColumns(spec);
  const [found] = await tx.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    table,
  ]);
  if (!found?.present) {
    await tx.exec(
      [
        `CREATE TEMP TABLE ${table.slice('pg_temp.'.length)} (n integer PRIMARY KEY, ${columnTypes(columns).join(', ')}, created_at timestamptz, updated_at timestamptz) ON COMMIT DELETE ROWS`,
        ...columns
          .filter((column) => column.large)
          .map((column) => `ALTER TABLE ${table} ALTER COLUMN ${column.name} SET STORAGE EXTERNAL`),
      ].join(';\n'),
    );
  }
  const next = stageKeys.get(tx) ?? 0;
  stageKeys.set(tx, next + pending.length);
  const names = columns.map((column) => column.name);
  if (pending.length < COPY_MIN_ROWS) {
    // A few rows (the per-call endpoints stage one): one statement; COPY costs a round trip
    // more. (COPY's data and its end are two writes; until the driver's sockets were set to
    // TCP_NODELAY, patches/postgres@3.4.9.patch, Nagle held the end for the server's delayed
    // ACK, ~40 ms per COPY of any size.)
    const records = pending.map((row, index) => {
      const record: Record<string, unknown> = { n: next + index };
      for (const column of columns) record[column.name] = row.values[column.name];
      record.created_at = row.createdAt;
      record.updated_at = row.updatedAt;
      return record;
    });
    await tx.query(
      `INSERT INTO ${table} (n, ${names.join(', ')}, created_at, updated_at)
       SELECT ${['n', ...names, 'created_at', 'updated_at'].map((name) => `x.${name}`).join(', ')}
         FROM jsonb_to_recordset($1::jsonb->'v') AS x(n integer, ${columnTypes(columns).join(', ')}, created_at timestamptz, updated_at timestamptz)`,
      [{ v: records }],
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

/**
 * A value as one field of COPY's text format: `\N` for null, backslash escapes for the
 * characters that end a field or a row. Objects (jsonb) go as their JSON text, as the jsonb
 * parameter carried them before.
 */
export function copyText(value: unknown, type: SqlType): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (typeof value === 'string') text = type === 'jsonb' ? JSON.stringify(value) : value;
  else if (typeof value === 'boolean') text = value ? 't' : 'f';
  else if (typeof value === 'number' || typeof value === 'bigint') text = String(value);
  else text = JSON.stringify(value);
  // Four native passes: about twice as fast as one pass calling back for every match, and a
  // document's markdown has a newline every few dozen characters.
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t');
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
