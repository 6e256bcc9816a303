// docker-compose.yml pins a PostgreSQL major version; this suite must have run on that major,
// or the compose file promises a database nobody tested.
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { postgresTestUrl, testDatabaseKinds } from '../testing/test-database.js';

const onPostgres = testDatabaseKinds().includes('postgres');

describe.skipIf(!onPostgres)(
  'docker-compose.yml (runs only with a real PostgreSQL: TEST_DATABASE_URL)',
  () => {
    it('names the PostgreSQL major version the tests run on', async () => {
      const compose = readFileSync(new URL('../../../../docker-compose.yml', import.meta.url), 'utf8');
      const named = /image:\s*postgres:(\d+)/.exec(compose)?.[1];
      expect(named, 'docker-compose.yml names a postgres:<major> image').toBeDefined();
      const sql = postgres(postgresTestUrl()!, { max: 1 });
      try {
        const [row] = await sql<{ server_version_num: string }[]>`SHOW server_version_num`;
        expect(String(Math.floor(Number(row!.server_version_num) / 10_000))).toBe(named);
      } finally {
        await sql.end();
      }
    });
  },
);
