import type { Config } from '../config.js';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite-database.js';
import { openPostgres } from './postgres-database.js';

/**
 * Opens the configured backend and brings its schema up to date. `role` names this process
 * to another that finds the embedded database taken ("the server on port 3000").
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'> &
    Partial<Pick<Config, 'databasePreparedStatements'>>,
  role?: string,
): Promise<Database> {
  const db = config.databaseUrl
    ? openPostgres({
        url: config.databaseUrl,
        maxConnections: config.databasePoolSize,
        preparedStatements: config.databasePreparedStatements ?? true,
      })
    : await openPglite(config.dataDir, role);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return db;
}
