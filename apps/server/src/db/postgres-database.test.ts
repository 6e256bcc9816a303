// Prepared statements on PostgreSQL: a short parameterised statement is prepared once per
// connection (less parsing per request), and never when the setting is off, for poolers in
// transaction mode. pg_prepared_statements lists what the current session holds. And the
// driver's sockets send at once (TCP_NODELAY).
import { Socket } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openPostgres } from './postgres-database.js';
import { postgresTestUrl, testDatabaseKinds } from '../testing/test-database.js';
import type { Database } from './database.js';

describe.skipIf(!testDatabaseKinds().includes('postgres'))('PostgreSQL statements', () => {
  const opened: Database[] = [];
  afterAll(() => Promise.all(opened.map((db) => db.close())));

  /** One connection, so every query runs in the same session. */
  async function preparedAfterUse(preparedStatements: boolean, text: string, params: unknown[]) {
    const db = openPostgres({ url: postgresTestUrl()!, maxConnections: 1, preparedStatements });
    opened.push(db);
    for (let n = 0; n < 3; n++) expect(await db.query(text, params)).toHaveLength(1);
    const rows = await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
    return rows.filter((row) => row.statement.includes(text.slice(0, 30))).length;
  }

  it('prepares a short parameterised statement once, and not when switched off', async () => {
    const text = 'SELECT $1::int + 1 AS answer, $2::text AS label';
    expect(await preparedAfterUse(true, text, [41, 'x'])).toBe(1);
    expect(await preparedAfterUse(false, text, [41, 'x'])).toBe(0);
  });

  it('leaves a long statement unnamed, so a connection does not collect batch texts', async () => {
    const columns = Array.from({ length: 400 }, (_, index) => `$1::int + ${index} AS c${index}`).join(', ');
    expect(await preparedAfterUse(true, `SELECT ${columns}`, [1])).toBe(0);
  });

  it('opens its connections with TCP_NODELAY, so a COPY does not wait for a delayed ACK', async () => {
    // COPY's data and its end are two writes; with Nagle on, the end waited for the server's
    // delayed ACK (~40 ms per COPY). The driver patch turns Nagle off, as libpq does.
    const noDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    try {
      const db = openPostgres({ url: postgresTestUrl()!, maxConnections: 1 });
      opened.push(db);
      await db.transaction(async (tx) => {
        await tx.exec('CREATE TEMP TABLE nodelay_copy (n integer, text text) ON COMMIT DROP');
        await tx.copyIn('nodelay_copy (n, text)', Buffer.from('1\tone\n2\ttwo\n'));
        expect(await tx.query('SELECT n FROM nodelay_copy ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }]);
      });
      expect(noDelay).toHaveBeenCalledWith(true);
    } finally {
      noDelay.mockRestore();
    }
  });
});
