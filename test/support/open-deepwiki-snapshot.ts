// Reads a real openDeepWiki peer's SQLite file (see open-deepwiki-peer.ts) with sql.js: the
// peer runs with journal mode "delete", so the file is current after every answered request,
// and a test can compare every row before and after.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import initSqlJs from 'sql.js';
import type { SqlJsStatic, SqlValue } from 'sql.js';

/** One SQLite row as sql.js reads it: column name to value. */
export type OpenDeepWikiRow = Record<string, SqlValue>;

/** Every row of the synced tables, each ordered by id. */
export interface OpenDeepWikiSnapshot {
  repositories: OpenDeepWikiRow[];
  tasks: OpenDeepWikiRow[];
  documents: OpenDeepWikiRow[];
  task_usages: OpenDeepWikiRow[];
}

let sqlModule: Promise<SqlJsStatic> | null = null;

function sqlJs(): Promise<SqlJsStatic> {
  // Loading the wasm costs tens of milliseconds; every snapshot of every peer shares one.
  if (!sqlModule) {
    const wasm = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
    sqlModule = initSqlJs({ locateFile: () => wasm });
  }
  return sqlModule;
}

/** Every row of the synced tables in the SQLite file `dbFile`. */
export async function readSnapshot(dbFile: string): Promise<OpenDeepWikiSnapshot> {
  const SQL = await sqlJs();
  const database = new SQL.Database(readFileSync(dbFile));
  try {
    const rowsOf = (table: string): OpenDeepWikiRow[] => {
      const statement = database.prepare(`SELECT * FROM ${table} ORDER BY id`);
      const rows: OpenDeepWikiRow[] = [];
      while (statement.step()) rows.push(statement.getAsObject());
      statement.free();
      return rows;
    };
    return {
      repositories: rowsOf('repositories'),
      tasks: rowsOf('tasks'),
      documents: rowsOf('documents'),
      task_usages: rowsOf('task_usages'),
    };
  } finally {
    database.close();
  }
}
