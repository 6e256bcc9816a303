import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';
import { lockDataDir } from './data-dir-lock.js';
import { MIGRATIONS_TABLE_SQL } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

function queryable(pg: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await pg.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(text: string) {
      await pg.exec(text);
    },
    async copyIn(target: string, data: Uint8Array | readonly Uint8Array[]) {
      // PGlite reads COPY's input from the `blob` option, named '/dev/blob' in the statement.
      await pg.query(`COPY ${target} FROM '/dev/blob'`, [], {
        // Bytes of an ArrayBuffer (Buffer.from), which some lib typings do not say of Uint8Array.
        blob: new Blob((data instanceof Uint8Array ? [data] : data) as Uint8Array<ArrayBuffer>[]),
      });
    },
    async copyOut(select: string) {
      // And writes COPY's output to the result's `blob` when told '/dev/blob'.
      const result = await pg.query(`COPY (${select}) TO '/dev/blob'`);
      return result.blob ? [new Uint8Array(await result.blob.arrayBuffer())] : [];
    },
  };
}

/**
 * PGlite's own start parameters plus a smaller shared buffer pool: 128 MB (Postgres' default)
 * is far more than one embedded process needs, and WASM memory once grown never shrinks. Only
 * this one setting is changed; replacing the whole postgresql.conf also reset TimeZone.
 */
export const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * Creates a new data directory in a child process and applies the migrations there. initdb
 * grows the WASM heap to ~800 MB and the first migrations grow it further, and a process never
 * gives that back; the child's exit does, so the server itself only ever opens an existing,
 * migrated directory (the same ~220 MB on its first start as on any later one). The parent's
 * `migrate` then finds nothing to do. The child applies each migration as `migrate` does, in
 * its own transaction with its row in `schema_migrations`; it is the only process that can
 * hold the directory, so it needs no advisory lock.
 */
function initDataDirInChild(dataDir: string, migrations: readonly Migration[]): void {
  const moduleUrl = import.meta.resolve('@electric-sql/pglite');
  const script = `
    const { readFileSync } = await import('node:fs');
    const { PGlite } = await import(process.argv[1]);
    const { startParams, tableSql, migrations } = JSON.parse(readFileSync(0, 'utf8'));
    const pg = await PGlite.create(process.argv[2], { startParams });
    await pg.exec(tableSql);
    for (const migration of migrations) {
      await pg.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      });
    }
    await pg.close();`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, moduleUrl, dataDir], {
    encoding: 'utf8',
    input: JSON.stringify({ startParams: START_PARAMS, tableSql: MIGRATIONS_TABLE_SQL, migrations }),
  });
  if (child.status !== 0) {
    throw new Error(
      `Could not create the embedded database in ${dataDir}: ${(child.stderr || child.error?.message || 'initdb failed').trim()}`,
    );
  }
}

export interface PgliteDatabase extends Database {
  /** The whole data directory as a tar image, which `openPglite`'s `image` starts from. */
  dumpImage(): Promise<Blob>;
}

/**
 * Opens the embedded database. `dataDir` is a folder, or `memory://` for a throwaway one.
 * PGlite is a single connection: a query issued while a transaction is open waits for it,
 * which gives the same isolation the server's pool gives. A folder is locked for this process
 * until `close` (data-dir-lock.ts); `role` says who holds it, for the message another gets.
 */
export async function openPglite(
  dataDir: string,
  role = 'a wikisync process',
  options: {
    /** An image from `dumpDataDir`, for a new memory:// database. */
    image?: Blob;
    /** What a new folder is created with (default: all of this code's migrations). */
    migrations?: readonly Migration[];
  } = {},
): Promise<PgliteDatabase> {
  let unlock = () => {};
  let pg: PGlite;
  try {
    if (!dataDir.startsWith('memory://')) {
      mkdirSync(dataDir, { recursive: true });
      unlock = lockDataDir(dataDir, role);
      if (!existsSync(join(dataDir, 'PG_VERSION')))
        initDataDirInChild(dataDir, options.migrations ?? MIGRATIONS);
    }
    pg = await PGlite.create(dataDir, { startParams: START_PARAMS, loadDataDir: options.image });
  } catch (error) {
    unlock();
    throw error;
  }
  const base = queryable(pg);
  return {
    kind: 'pglite',
    ...base,
    // One in-process connection is all PGlite has: progress shares it.
    progress: base,
    async transaction(work) {
      return pg.transaction((tx) => work(queryable(tx)));
    },
    // Its one connection is in-process and is never lost, so it never has to re-listen.
    async listen(channel, handler) {
      const unsubscribe = await pg.listen(channel, handler);
      return () => unsubscribe();
    },
    dumpImage: () => pg.dumpDataDir('none'),
    async close() {
      try {
        await pg.close();
      } finally {
        unlock();
      }
    },
  };
}
