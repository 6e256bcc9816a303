import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';

function queryable(pg: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await pg.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(text: string) {
      await pg.exec(text);
    },
  };
}

/**
 * Opens the embedded database. `dataDir` is a folder, or `memory://` for a throwaway one.
 * PGlite is a single connection: a query issued while a transaction is open waits for it,
 * which gives the same isolation the server's pool gives.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir);
  const base = queryable(pg);
  return {
    kind: 'pglite',
    ...base,
    async transaction(work) {
      return pg.transaction((tx) => work(queryable(tx)));
    },
    async listen(channel, handler) {
      const unsubscribe = await pg.listen(channel, handler);
      return () => unsubscribe();
    },
    async close() {
      await pg.close();
    },
  };
}
