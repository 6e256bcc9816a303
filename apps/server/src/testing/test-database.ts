// Test databases: every server test runs on the embedded database and, when a PostgreSQL
// URL is present, on a fresh real database created for the test file and dropped after it.
//   TEST_DB=pglite | postgres | both   (default: both when a URL is present, else pglite)
//   TEST_DATABASE_URL (or DATABASE_URL): a server where the test may create databases.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import type { Database, DatabaseKind } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { openMigratedPglite } from './pglite-template.js';
import { openPostgres } from '../db/postgres-database.js';
import { blockHandle } from './block-handle.js';

export function postgresTestUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export function testDatabaseKinds(): DatabaseKind[] {
  const choice = process.env.TEST_DB;
  const url = postgresTestUrl();
  if (choice === 'pglite') return ['pglite'];
  if (choice === 'postgres' || choice === 'both') {
    if (!url) throw new Error(`TEST_DB=${choice} needs TEST_DATABASE_URL or DATABASE_URL`);
    return choice === 'both' ? ['pglite', 'postgres'] : ['postgres'];
  }
  return url ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase {
  kind: DatabaseKind;
  db: Database;
  /** For postgres: the URL of the fresh database, so a second process can share it. */
  url: string | undefined;
  /** Opens another connection (pool) to the same database; postgres only. */
  connect(): Database;
  dispose(): Promise<void>;
}

/** A fresh, migrated database of the given kind. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openMigratedPglite();
    return {
      kind,
      db,
      url: undefined,
      connect() {
        throw new Error('the embedded database has a single connection; share `db` instead');
      },
      dispose: () => db.close(),
    };
  }
  const adminUrl = postgresTestUrl();
  if (!adminUrl) throw new Error('no PostgreSQL URL for tests; set TEST_DATABASE_URL');
  const name = `wikisync_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const opened: Database[] = [];
  const connect = () => {
    const db = openPostgres({ url: url.toString(), maxConnections: 10 });
    opened.push(db);
    return db;
  };
  const db = connect();
  await migrate(db);
  return {
    kind,
    db,
    url: url.toString(),
    connect,
    async dispose() {
      await Promise.all(opened.map((each) => each.close().catch(() => {})));
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * Registers the hooks that create a fresh, migrated database before the tests of the describe
 * block that calls it and dispose of it after them; the handle reads that database.
 */
export function useTestDatabase(kind: DatabaseKind): TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.dispose();
    database = undefined;
  });
  return blockHandle(
    () => database,
    ['kind', 'db', 'url', 'connect', 'dispose'] as const,
    'the test database',
  );
}
