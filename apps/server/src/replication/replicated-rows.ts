// The SQL shape of each replicated collection: how a row becomes a flat replicated document
// (references by uid, `deleted` as `_deleted`) and how a document is written back. Column
// names come only from the field tables (packages/shared/src/model/fields), never from a
// request.
import {
  columnOf,
  fieldEntries,
  FIELD_TABLES,
  replicatedName,
  type CollectionName,
  type FieldSpec,
  type ReplicatedDoc,
  type ReplicatedDocByCollection,
} from '@wikisync/shared';
import type { Queryable } from '../db/database.js';
import { rowToWire } from '../db/field-rows.js';
import { textList } from '../db/sql-lists.js';

interface CollectionSql {
  /** SELECT … FROM … with the alias `x` for the replicated table; every row has `repository_id`. */
  select: string;
  /** The column holding the owning repository's id, for permission filters. */
  repositoryColumn: string;
}

const OWNER_ALIAS: Record<CollectionName, string> = { repositories: 'r', tasks: 't', documents: 'd' };

const byCollection = <T>(make: (collection: CollectionName) => T): Record<CollectionName, T> => ({
  repositories: make('repositories'),
  tasks: make('tasks'),
  documents: make('documents'),
});

/** The column holding a row's repository id, for permission filters and `repository_id`. */
const repositoryIdColumn = (collection: CollectionName) =>
  collection === 'repositories' ? 'x.id' : 'x.repository_id';

/**
 * The replicated fields of `collection`: owners (kept by id) are read as their uid through a
 * join, everything else from the row itself; then the row's version and repository id.
 */
function replicatedSelect(collection: CollectionName): string {
  const items: string[] = [];
  const joins: string[] = [];
  for (const [field, spec] of fieldEntries(FIELD_TABLES[collection])) {
    const name = replicatedName(field, spec);
    if (name === null) continue;
    if (spec.references?.by !== 'id') {
      items.push(`x.${columnOf(field, spec)}`);
      continue;
    }
    const { entity } = spec.references;
    const alias = OWNER_ALIAS[entity];
    items.push(`${alias}.uid AS ${name}`);
    joins.push(`${spec.nullable ? 'LEFT JOIN' : 'JOIN'} ${entity} ${alias} ON ${alias}.id = x.${field}`);
  }
  items.push('x.server_version', `${repositoryIdColumn(collection)} AS repository_id`);
  return [`SELECT ${items.join(', ')}`, `FROM ${collection} x`, ...joins].join('\n');
}

export const COLLECTION_SQL: Record<CollectionName, CollectionSql> = byCollection((collection) => ({
  select: replicatedSelect(collection),
  repositoryColumn: repositoryIdColumn(collection),
}));

export function toReplicatedDoc<C extends CollectionName>(
  collection: C,
  row: Record<string, unknown>,
): ReplicatedDocByCollection[C] {
  return rowToWire(FIELD_TABLES[collection], 'replication', row) as ReplicatedDocByCollection[C];
}

export interface StoredDoc<Doc extends ReplicatedDoc = ReplicatedDoc> {
  doc: Doc;
  repositoryId: number;
  serverVersion: number;
}

/**
 * The current server rows (tombstones included) with these uids, by uid. With `lock`, the rows
 * stay locked (FOR UPDATE, in uid order) until the transaction ends.
 */
export async function loadStoredDocs<C extends CollectionName>(
  db: Queryable,
  collection: C,
  uids: readonly string[],
  options: { lock?: boolean } = {},
): Promise<Map<string, StoredDoc<ReplicatedDocByCollection[C]>>> {
  const found = new Map<string, StoredDoc<ReplicatedDocByCollection[C]>>();
  if (uids.length === 0) return found;
  const rows = await db.query(
    `${COLLECTION_SQL[collection].select}
       JOIN ${textList('$1')} wanted ON wanted.value = x.uid
       ${options.lock ? 'ORDER BY x.uid FOR UPDATE OF x' : ''}`,
    [{ v: uids }],
  );
  for (const row of rows) {
    found.set(String(row.uid), {
      doc: toReplicatedDoc(collection, row),
      repositoryId: Number(row.repository_id),
      serverVersion: Number(row.server_version),
    });
  }
  return found;
}

/** Owners looked up by uid: `repository_uid` → repository id, `task_uid` → task id. */
export interface OwnerIds {
  repositoryId: number | null;
  taskId: number | null;
}

/**
 * The columns a push writes: the compared fields less the key, with owners (references by
 * uid on the wire) stored as their numeric ids and `_deleted` as `deleted`.
 */
const WRITE_FIELDS: Record<CollectionName, [string, FieldSpec][]> = byCollection((collection) =>
  fieldEntries(FIELD_TABLES[collection]).filter(([field, spec]) => spec.compared && field !== 'uid'),
);
export const WRITE_COLUMNS: Record<CollectionName, readonly string[]> = byCollection((collection) =>
  WRITE_FIELDS[collection].map(([field, spec]) => columnOf(field, spec)),
);
const OWNER_ID: Partial<Record<CollectionName, keyof OwnerIds>> = {
  repositories: 'repositoryId',
  tasks: 'taskId',
};

function columnValues(collection: CollectionName, doc: ReplicatedDoc, owners: OwnerIds): unknown[] {
  const source = doc as unknown as Record<string, unknown>;
  return WRITE_FIELDS[collection].map(([field, spec]) => {
    if (spec.references?.by === 'id') return owners[OWNER_ID[spec.references.entity]!];
    return source[replicatedName(field, spec)!] ?? null;
  });
}

/**
 * Inserts or updates one row from a replicated document. `id` and `server_version` are the
 * server's: the first comes from the sequence, the second from the version trigger.
 * Returns the row's id.
 */
export async function writeReplicatedDoc(
  tx: Queryable,
  collection: CollectionName,
  doc: ReplicatedDoc,
  owners: OwnerIds,
  existingId: number | null,
): Promise<number> {
  const columns = WRITE_COLUMNS[collection];
  const values = columnValues(collection, doc, owners);
  if (existingId === null) {
    const placeholders = values.map((_, index) => `$${index + 2}`).join(', ');
    const rows = await tx.query<{ id: number }>(
      `INSERT INTO ${collection} (uid, ${columns.join(', ')}) VALUES ($1, ${placeholders}) RETURNING id`,
      [doc.uid, ...values],
    );
    return Number(rows[0]!.id);
  }
  const assignments = columns.map((column, index) => `${column} = $${index + 2}`).join(', ');
  await tx.query(`UPDATE ${collection} SET ${assignments} WHERE id = $1`, [existingId, ...values]);
  return existingId;
}
