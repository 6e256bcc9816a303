import { describe, expect, it } from 'vitest';
import { migrate, pendingMigrations } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { writeTransaction } from './database.js';
import { useTestDatabase, testDatabaseKinds } from '../testing/test-database.js';

describe.each(testDatabaseKinds())('migrations on %s', (kind) => {
  const test = useTestDatabase(kind);

  it('applying them again is a no-op', async () => {
    const before = await test.db.query('SELECT version FROM schema_migrations ORDER BY version');
    const again = await migrate(test.db);
    expect(again.applied).toEqual([]);
    expect(await test.db.query('SELECT version FROM schema_migrations ORDER BY version')).toEqual(before);
  });

  it('lists the migrations a database has not applied (what /ready reports)', async () => {
    expect(await pendingMigrations(test.db)).toEqual([]);
    const next = { version: 9_999, name: 'not-yet', sql: 'SELECT 1' };
    expect(await pendingMigrations(test.db, [...MIGRATIONS, next])).toEqual(['9999-not-yet']);
  });

  it('creates the data model with server_version and tombstones', async () => {
    const columns = await test.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_name IN ('repositories','tasks','documents') AND column_name IN ('id','uid','metadata','server_version','deleted')`,
    );
    expect(columns).toHaveLength(15);
  });

  it('stamps every write with a larger server_version', async () => {
    const versions = await writeTransaction(test.db, async (tx) => {
      const inserted = await tx.query<{ server_version: number }>(
        `INSERT INTO repositories (uid, name) VALUES ('m-1', 'one'), ('m-2', 'two') RETURNING server_version`,
      );
      const updated = await tx.query<{ server_version: number }>(
        `UPDATE repositories SET name = 'uno' WHERE uid = 'm-1' RETURNING server_version`,
      );
      return [...inserted, ...updated].map((row) => row.server_version);
    });
    expect(versions[0]).toBeGreaterThan(0);
    expect(versions[1]).toBeGreaterThan(versions[0]!);
    expect(versions[2]).toBeGreaterThan(versions[1]!);
  });

  it('indexes the change feed by server_version', async () => {
    const indexes = await test.db.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE indexname LIKE '%server_version'`,
    );
    expect(indexes.map((row) => row.indexname).sort()).toEqual([
      'documents_server_version',
      'repositories_server_version',
      'tasks_server_version',
    ]);
  });
});
