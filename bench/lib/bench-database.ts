// Benchmarks run on the real PostgreSQL (BENCH_DATABASE_URL, default the local server):
// each suite gets fresh databases, dropped afterwards.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { Database } from '../../apps/server/src/db/database.js';
import { openPostgres } from '../../apps/server/src/db/postgres-database.js';

export function benchAdminUrl(): string {
  return (
    process.env.BENCH_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const admin = postgres(benchAdminUrl(), { max: 1, onnotice: () => {} });
  const name = `wikisync_bench_${label}_${randomBytes(4).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(benchAdminUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const again = postgres(benchAdminUrl(), { max: 1, onnotice: () => {} });
      await again.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

/** Runs `use` with a one-connection pool on the database at `url`, closed afterwards. */
export async function withConnection<T>(url: string, use: (db: Database) => Promise<T>): Promise<T> {
  const db = openPostgres({ url, maxConnections: 1 });
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}
