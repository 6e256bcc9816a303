// The one place where rows from another server are written: receiver endpoints, batches,
// pulls and file imports all come here. Set-based (one INSERT and one UPDATE per batch) so
// that thousands of rows cost a few statements, and mapped by (peer, the peer's id) so that
// running a sync again updates the same rows instead of adding copies. Callers hold a
// `writeTransaction`, so every write is stamped with a server_version like any other.
//
// Rows travel to SQL through a stage: a temporary table of the connection that `stageRows`
// fills from one JSON parameter. Staging needs no version lock, so a batch receiver stages
// its megabytes before taking it, and the writes under the lock only read the stage (the
// lock serialises every writer; parsing JSON while holding it made the receiver's writes the
// bottleneck of a push).
import { idList, textList } from '../../db/sql-lists.js';
import type { RowResult } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { randomUid } from '../../db/uid.js';
import { lookupMapped, saveMappings, type SyncEntity } from '../wire/id-map.js';
import { resolvePending } from './links.js';

interface ColumnSpec {
  name: string;
  type: 'text' | 'integer' | 'bigint' | 'boolean' | 'double precision' | 'timestamptz' | 'jsonb';
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

export const TASK_TABLE: TableSpec = {
  table: 'tasks',
  entity: 'task',
  columns: [
    { name: 'writer_name', type: 'text' },
    { name: 'task_type', type: 'text' },
    { name: 'title', type: 'text' },
    { name: 'outline', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'error_msg', type: 'text' },
    { name: 'sort_order', type: 'integer' },
    { name: 'started_at', type: 'timestamptz' },
    { name: 'completed_at', type: 'timestamptz' },
    { name: 'metadata', type: 'jsonb' },
  ],
};

export const DOCUMENT_TABLE: TableSpec = {
  table: 'documents',
  entity: 'document',
  columns: [
    { name: 'task_id', type: 'bigint', resolved: true },
    { name: 'title', type: 'text' },
    { name: 'filename', type: 'text' },
    { name: 'content', type: 'text', large: true },
    { name: 'language', type: 'text' },
    { name: 'sort_order', type: 'integer' },
    { name: 'version', type: 'integer' },
    { name: 'is_latest', type: 'boolean' },
    { name: 'metadata', type: 'jsonb' },
  ],
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

export interface AppliedRow {
  remoteId: number | null;
  localId: number | null;
  result: RowResult;
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
  const records = pending.map((row, index) => {
    const record: Record<string, unknown> = { n: next + index };
    for (const column of columns) record[column.name] = row.values[column.name];
    record.created_at = row.createdAt;
    record.updated_at = row.updatedAt;
    return record;
  });
  const names = columns.map((column) => column.name);
  await tx.query(
    `INSERT INTO ${table} (n, ${names.join(', ')}, created_at, updated_at)
     SELECT ${['n', ...names, 'created_at', 'updated_at'].map((name) => `x.${name}`).join(', ')}
       FROM jsonb_to_recordset($1::jsonb->'v') AS x(n integer, ${columnTypes(columns).join(', ')}, created_at timestamptz, updated_at timestamptz)`,
    [{ v: records }],
  );
  pending.forEach((row, index) => (row.staged = next + index));
}

/**
 * A FROM item of the rows named by a small `{v: [...]}` list (their stage key, `lead`, and the
 * resolved columns) joined to their staged values as `s`. The stage is read through its key,
 * in the list's order, whatever the planner knows of it.
 */
function stagedSource(spec: TableSpec, lead: string): string {
  return `jsonb_to_recordset($1::jsonb->'v') AS x(n integer, ${[lead, ...columnTypes(resolvedColumns(spec))].join(', ')})
         CROSS JOIN LATERAL (SELECT * FROM ${stageTable(spec)} st WHERE st.n = x.n) s`;
}

/** The value of a column in a `stagedSource` query. */
const valueOf = (column: ColumnSpec) => (column.resolved ? `x.${column.name}` : `s.${column.name}`);

function listRecord(
  spec: TableSpec,
  row: IncomingRow,
  lead: Record<string, unknown>,
): Record<string, unknown> {
  const record: Record<string, unknown> = { n: row.staged, ...lead };
  for (const column of resolvedColumns(spec)) record[column.name] = row.values[column.name];
  return record;
}

/**
 * Applies rows to one local repository for one peer. Mapped rows are updated (only when a
 * value differs, so an unchanged row keeps its server_version); unmapped rows whose uid names
 * a row of this repository adopt it (a copy coming back home); the rest are inserted with the
 * sent uid when it is free. Tombstones delete mapped rows and are skipped otherwise. A row
 * sent without an id is mapped under our own id, the one the sender learns from our answer.
 */
export async function applyRows(
  tx: Queryable,
  spec: TableSpec,
  peerKey: string,
  localRepositoryId: number,
  rows: readonly IncomingRow[],
): Promise<AppliedRow[]> {
  await stageRows(tx, spec, rows);
  const results: AppliedRow[] = rows.map((row) => ({
    remoteId: row.remoteId,
    localId: null,
    result: 'skipped',
  }));
  const remoteIds = rows.flatMap((row) => (row.remoteId === null ? [] : [row.remoteId]));
  const mapped = await lookupMapped(tx, peerKey, spec.entity, remoteIds, localRepositoryId);

  // Adopt by uid: the same global row, e.g. one we sent to this peer earlier.
  const wantUid = rows
    .filter((row) => row.uid && (row.remoteId === null || !mapped.has(row.remoteId)))
    .map((row) => row.uid!);
  const uidOwners = new Map<string, { id: number; repository_id: number }>();
  if (wantUid.length > 0) {
    const owners = await tx.query<{ id: number; uid: string; repository_id: number }>(
      `SELECT r.id, r.uid, r.repository_id FROM ${spec.table} r JOIN ${textList('$1')} uids ON uids.value = r.uid`,
      [{ v: wantUid }],
    );
    for (const owner of owners)
      uidOwners.set(owner.uid, { id: Number(owner.id), repository_id: Number(owner.repository_id) });
  }

  // Every local id below was checked to belong to `localRepositoryId` (mapping or uid owner),
  // so the statements need not filter by repository, which keeps their plans simple.
  const updates: { index: number; localId: number }[] = [];
  const inserts: { index: number; uid: string }[] = [];
  const deletes: { index: number; localId: number }[] = [];
  const adopted: { remoteId: number; localId: number }[] = [];
  const usedUids = new Set<string>();
  rows.forEach((row, index) => {
    let localId = row.remoteId === null ? undefined : mapped.get(row.remoteId);
    if (localId === undefined && row.uid) {
      const owner = uidOwners.get(row.uid);
      if (owner && owner.repository_id === localRepositoryId) {
        localId = owner.id;
        adopted.push({ remoteId: row.remoteId ?? localId, localId });
      }
    }
    if (row.deleted) {
      if (localId !== undefined) deletes.push({ index, localId });
      return;
    }
    if (localId !== undefined) {
      updates.push({ index, localId });
      return;
    }
    const sentUidFree = row.uid !== undefined && !uidOwners.has(row.uid) && !usedUids.has(row.uid);
    const uid = sentUidFree ? row.uid! : randomUid();
    usedUids.add(uid);
    inserts.push({ index, uid });
  });

  const columnNames = spec.columns.map((column) => column.name);
  const values = spec.columns.map(valueOf);
  if (inserts.length > 0) {
    const created = await tx.query<{ id: number; uid: string }>(
      `INSERT INTO ${spec.table} (uid, repository_id, ${columnNames.join(', ')}, created_at, updated_at)
       SELECT x.uid, $2, ${values.join(', ')}, COALESCE(s.created_at, now()), COALESCE(s.updated_at, now())
         FROM ${stagedSource(spec, 'uid text')}
       RETURNING id, uid`,
      [{ v: inserts.map(({ index, uid }) => listRecord(spec, rows[index]!, { uid })) }, localRepositoryId],
    );
    // Every insert reads its values from the stage; a row missing there would vanish silently.
    if (created.length !== inserts.length)
      throw new Error(`${inserts.length - created.length} ${spec.table} rows were not staged`);
    const idByUid = new Map(created.map((row) => [row.uid, Number(row.id)]));
    const pairs: { remoteId: number; localId: number }[] = [];
    for (const { index, uid } of inserts) {
      const localId = idByUid.get(uid)!;
      results[index] = { remoteId: rows[index]!.remoteId, localId, result: 'created' };
      // A sender that sent no id (0: "assign one", as openDeepWiki's receiver reads it) names
      // the row by the id we answer with from now on, so that id is mapped for it.
      pairs.push({ remoteId: rows[index]!.remoteId ?? localId, localId });
    }
    await saveMappings(tx, peerKey, spec.entity, pairs);
    await resolvePending(tx, peerKey, spec.entity, localRepositoryId, pairs);
  }
  await saveMappings(tx, peerKey, spec.entity, adopted);
  await resolvePending(tx, peerKey, spec.entity, localRepositoryId, adopted);

  if (updates.length > 0) {
    const changed = await tx.query<{ id: number }>(
      `UPDATE ${spec.table} AS t
          SET ${columnNames.map((name, i) => `${name} = ${values[i]}`).join(', ')}, deleted = false,
              updated_at = COALESCE(s.updated_at, now())
         FROM ${stagedSource(spec, 'id bigint')}
        WHERE t.id = x.id
          AND ((${columnNames.map((name) => `t.${name}`).join(', ')}) IS DISTINCT FROM (${values.join(', ')})
               OR t.deleted OR (s.updated_at IS NOT NULL AND t.updated_at IS DISTINCT FROM s.updated_at))
       RETURNING t.id`,
      [{ v: updates.map(({ index, localId }) => listRecord(spec, rows[index]!, { id: localId })) }],
    );
    const changedIds = new Set(changed.map((row) => Number(row.id)));
    for (const { index, localId } of updates) {
      results[index] = {
        remoteId: rows[index]!.remoteId,
        localId,
        result: changedIds.has(localId) ? 'updated' : 'unchanged',
      };
    }
  }

  if (deletes.length > 0) {
    const ids = { v: deletes.map((entry) => entry.localId) };
    if (spec.table === 'documents') {
      // A task must not keep pointing at a document that is gone.
      await tx.query(
        `UPDATE tasks SET doc_uid = NULL, updated_at = now()
          WHERE NOT deleted AND doc_uid IN (SELECT d.uid FROM documents d JOIN ${idList('$1')} ids ON ids.id = d.id)`,
        [ids],
      );
    }
    const gone = await tx.query<{ id: number }>(
      `UPDATE ${spec.table} AS t SET deleted = true, updated_at = now()
         FROM ${idList('$1')} ids WHERE t.id = ids.id AND NOT t.deleted
       RETURNING t.id`,
      [ids],
    );
    const goneIds = new Set(gone.map((row) => Number(row.id)));
    for (const { index, localId } of deletes) {
      results[index] = {
        remoteId: rows[index]!.remoteId,
        localId,
        result: goneIds.has(localId) ? 'deleted' : 'unchanged',
      };
    }
  }
  return results;
}
