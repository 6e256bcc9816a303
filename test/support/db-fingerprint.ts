// A fingerprint of everything a request could change, to prove a rejected request changed
// nothing: row counts and a hash of every row of each application table.
import type { Queryable } from '../../apps/server/src/db/database.js';

export async function databaseFingerprint(db: Queryable): Promise<string> {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
        -- bookkeeping the server writes on its own (token use times, nonces, rate counters)
        AND table_name NOT IN ('schema_migrations', 'sync_nonces')
      ORDER BY table_name`,
  );
  const parts: string[] = [];
  for (const { table_name: table } of tables) {
    const [row] = await db.query<{ n: number; h: string | null }>(
      `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM "${table}" t`,
    );
    parts.push(`${table}:${row?.n}:${row?.h ?? ''}`);
  }
  return parts.join(';');
}
