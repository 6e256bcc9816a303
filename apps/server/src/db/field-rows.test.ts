import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COMPARED_FIELDS,
  columnOf,
  FIELD_TABLES,
  fieldEntries,
  instanceSyncPlace,
  replicatedName,
} from '@wikisync/shared';
import { isInstanceSyncValue, readColumns, restWriteColumns } from './field-rows.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/test-database.js';
import { REPOSITORY_COLUMNS } from '../repositories/repository-store.js';
import { TASK_COLUMNS } from '../tasks/task-store.js';
import { DOCUMENT_COLUMNS } from '../documents/document-store.js';
import { COLLECTION_SQL, WRITE_COLUMNS } from '../replication/replicated-rows.js';
import {
  documentWireRow,
  EXPORT_DOCUMENT_COLUMNS,
  EXPORT_TASK_COLUMNS,
  repositoryWireRow,
  taskWireRow,
} from '../instance-sync/wire/wire-rows.js';
import { DOCUMENT_TABLE, TASK_TABLE } from '../instance-sync/receiver/row-stage.js';

const COLLECTIONS = ['repositories', 'tasks', 'documents'] as const;
const REST_COLUMNS = { repositories: REPOSITORY_COLUMNS, tasks: TASK_COLUMNS, documents: DOCUMENT_COLUMNS };
/** Repositories travel to peers as the REST API reads them (`repository-upsert`). */
const EXPORT_COLUMNS = {
  repositories: REPOSITORY_COLUMNS,
  tasks: EXPORT_TASK_COLUMNS,
  documents: EXPORT_DOCUMENT_COLUMNS,
};
const WIRE_ROW = { repositories: repositoryWireRow, tasks: taskWireRow, documents: documentWireRow };
const STAGED = { repositories: null, tasks: TASK_TABLE, documents: DOCUMENT_TABLE };
/** Where the REST and instance-sync wires read: the views add the numeric ids of pointers. */
const READ_FROM = { repositories: 'repositories', tasks: 'task_rows', documents: 'document_rows' };
const list = (columns: string) => columns.split(', ');

describe('server column lists derived from the field tables', () => {
  for (const collection of COLLECTIONS) {
    it(`${collection}: every field is in each list of the wires its table names`, () => {
      const table = FIELD_TABLES[collection];
      const created = restWriteColumns(table, 'create');
      const updated = restWriteColumns(table, 'update');
      const sample = Object.fromEntries(list(EXPORT_COLUMNS[collection]).map((column) => [column, 1]));
      const wireRow = WIRE_ROW[collection](sample);
      for (const [field, spec] of fieldEntries(table)) {
        const column = columnOf(field, spec);
        if (spec.rest) expect(list(REST_COLUMNS[collection]), field).toContain(field);
        if (spec.rest === 'create' || spec.rest === 'write') expect(created, field).toContain(column);
        if (spec.rest === 'write') expect(updated, field).toContain(column);
        const replicated = replicatedName(field, spec);
        if (replicated !== null) {
          const read = spec.references?.by === 'id' ? `.uid AS ${replicated}` : `x.${column}`;
          expect(COLLECTION_SQL[collection].select, field).toContain(read);
        }
        if (spec.compared) expect(COMPARED_FIELDS[collection], field).toContain(replicated);
        if (spec.compared && field !== 'uid') expect(WRITE_COLUMNS[collection], field).toContain(column);
        const place = instanceSyncPlace(field, spec);
        if (place !== null) {
          expect(list(EXPORT_COLUMNS[collection]), field).toContain(field);
          expect(wireRow, field).toHaveProperty([place.name]);
        }
        const stage = STAGED[collection];
        if (stage && isInstanceSyncValue(field, spec))
          expect(stage.columns.map((staged) => staged.name)).toContain(column);
      }
    });
  }
});

describe.each(testDatabaseKinds())('derived statements against the migrated schema on %s', (kind) => {
  // A field added to a table without the migration that adds its column fails here.
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  for (const collection of COLLECTIONS) {
    it(`${collection}: every derived column exists`, async () => {
      const db = database.db;
      const table = FIELD_TABLES[collection];
      const select = (columns: readonly string[], from: string) =>
        db.query(`SELECT ${columns.join(', ')} FROM ${from} LIMIT 0`);
      await select(list(REST_COLUMNS[collection]), READ_FROM[collection]);
      await select(list(EXPORT_COLUMNS[collection]), READ_FROM[collection]);
      await select(readColumns(table, 'instanceSync'), READ_FROM[collection]);
      await select(restWriteColumns(table, 'create'), collection);
      await select(WRITE_COLUMNS[collection], collection);
      await db.query(`${COLLECTION_SQL[collection].select} LIMIT 0`);
    });
  }

  it('stages each synced column with the type of its table column', async () => {
    for (const stage of [TASK_TABLE, DOCUMENT_TABLE]) {
      const columns = await database.db.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1`,
        [stage.table],
      );
      const typeOf = new Map(columns.map((column) => [column.column_name, column.data_type]));
      for (const column of stage.columns) {
        const stored = typeOf.get(column.name);
        expect(stored, column.name).toBe(
          column.type === 'timestamptz' ? 'timestamp with time zone' : column.type,
        );
      }
    }
  });
});
