import type { Database } from './database.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

const MIGRATION_LOCK_KEY = 7_319_000;

/** The record of applied migrations; also created by a new embedded database's child process. */
export const MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

export interface MigrationResult {
  applied: string[];
  current: number;
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, each in its own
 * transaction. Two processes starting together queue on an advisory lock, so each
 * migration runs once; running it again is a no-op.
 */
export async function migrate(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  await db.exec(MIGRATIONS_TABLE_SQL);
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const existing = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
        migration.version,
      ]);
      if (existing.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(`${migration.version}-${migration.name}`);
  }
  const last = migrations.at(-1);
  return { applied, current: last ? last.version : 0 };
}

/** Migrations this code knows that the database has not recorded (empty when up to date). */
export async function pendingMigrations(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<string[]> {
  const [table] = await db.query<{ name: string | null }>(
    `SELECT to_regclass('schema_migrations')::text AS name`,
  );
  const done = table?.name
    ? new Set(
        (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((row) =>
          Number(row.version),
        ),
      )
    : new Set<number>();
  return migrations.filter((migration) => !done.has(migration.version)).map((m) => `${m.version}-${m.name}`);
}
