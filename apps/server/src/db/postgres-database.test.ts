// Prepared statements on PostgreSQL: a short parameterised statement is prepared once per
// connection (less parsing per request), and never when the setting is off, for poolers in
// transaction mode. pg_prepared_statements lists what the current session holds. And the
// driver's sockets send at once (TCP_NODELAY).
import { Socket } from 'node:net';
import postgres from 'postgres';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { castTypes, openPostgres } from './postgres-database.js';
import { postgresTestUrl, testDatabaseKinds } from '../testing/test-database.js';
import { PLAN_EACH_RUN, type Database } from './database.js';

/**
 * Records what the driver writes to its sockets. `messagesWith(marker, n)`: the frontend
 * messages of the `n`th write that carries `marker`'s Parse, from that Parse on.
 */
function spySocketWrites() {
  const written: Buffer[] = [];
  const original = Socket.prototype.write;
  const write = vi.spyOn(Socket.prototype, 'write').mockImplementation(function (
    this: Socket,
    ...args: Parameters<Socket['write']>
  ) {
    if (Buffer.isBuffer(args[0])) written.push(Buffer.from(args[0]));
    return (original as (...a: unknown[]) => boolean).apply(this, args);
  });
  const messagesWith = (marker: string, n = 0) => {
    for (const buffer of written) {
      const at = buffer.indexOf(marker);
      if (at < 0 || n-- > 0) continue;
      const types: string[] = [];
      let offset = buffer.lastIndexOf(0x50 /* P */, at);
      while (offset + 5 <= buffer.length) {
        types.push(String.fromCharCode(buffer[offset]!));
        offset += 1 + buffer.readUInt32BE(offset + 1);
      }
      return types;
    }
    return [];
  };
  return { messagesWith, restore: () => write.mockRestore() };
}

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

  it('leaves a statement marked PLAN_EACH_RUN unnamed, so it is planned for the tables as they are now', async () => {
    expect(await preparedAfterUse(true, `SELECT $1::int + 1 AS answer ${PLAN_EACH_RUN}`, [41])).toBe(0);
  });

  it('sends a statement planned for each run with its parameters typed, in one round trip', async () => {
    const db = openPostgres({ url: postgresTestUrl()!, maxConnections: 1 });
    opened.push(db);
    const { messagesWith, restore } = spySocketWrites();
    try {
      // A text, an integer past int4 and a JSON list: each goes with its type, and the server
      // reads them as it would have inferred them.
      expect(
        await db.query(
          `SELECT $1 AS label, $2 + 1 AS next, ($3::jsonb->'v')->>1 AS second /* typed */ ${PLAN_EACH_RUN}`,
          ['ünïcödé 中文', 2 ** 40, { v: ['a', 'b'] }],
        ),
      ).toEqual([{ label: 'ünïcödé 中文', next: 2 ** 40 + 1, second: 'b' }]);
      expect(messagesWith('/* typed */').slice(0, 4)).toEqual(['P', 'D', 'B', 'E']);
      // A parameter of another kind (a boolean, a fraction, a null): the driver asks the server
      // for the types first, as for any unprepared statement.
      expect(
        await db.query(
          `SELECT $1::boolean AS flag, $2::numeric AS half, $3::text AS none /* asked */ ${PLAN_EACH_RUN}`,
          [true, 0.5, null],
        ),
      ).toEqual([{ flag: true, half: '0.5', none: null }]);
      expect(messagesWith('/* asked */').slice(0, 3)).toEqual(['P', 'D', 'H']);
    } finally {
      restore();
    }
  });

  it('sends a statement with the types its casts name, or the server gave it before, in one round trip', async () => {
    const db = openPostgres({ url: postgresTestUrl()!, maxConnections: 2 });
    opened.push(db);
    const { messagesWith, restore } = spySocketWrites();
    try {
      // A prepared statement that casts every parameter where it names it: typed from its first
      // run on each connection.
      const cast = `SELECT ($1)::bigint + 1 AS next, $2::jsonb->>'a' AS a, $2::jsonb->>'b' AS b /* cast */`;
      await db.transaction(async (first) => {
        expect(await first.query(cast, [2 ** 40, { a: 'x', b: 'y' }])).toEqual([
          { next: 2 ** 40 + 1, a: 'x', b: 'y' },
        ]);
        await db.transaction(async (second) => {
          expect(await second.query(cast, [1, { a: '中文' }])).toEqual([{ next: 2, a: '中文', b: null }]);
        });
      });
      expect(messagesWith('/* cast */', 0).slice(0, 4)).toEqual(['P', 'D', 'B', 'E']);
      expect(messagesWith('/* cast */', 1).slice(0, 4)).toEqual(['P', 'D', 'B', 'E']);
      // A value the driver types itself keeps its type: a date cast to text reads as the
      // server prints a timestamp, not as JavaScript prints a date.
      const [printed] = await db.query<{ at: string }>(`SELECT $1::text AS at /* date */`, [
        new Date('2026-12-03T06:50:00Z'),
      ]);
      expect(printed!.at).toMatch(/^2026-12-03 06:50:00\+00$/);
      // An unprepared statement with a parameter the driver cannot type (a boolean): asked for
      // at its first run, and sent with the server's types at the next.
      const asked = `SELECT $1 AS flag, $2 + 1 AS next /* learnt */ ${PLAN_EACH_RUN}`;
      expect(await db.query(asked, [true, 41])).toEqual([{ flag: true, next: 42 }]);
      expect(messagesWith('/* learnt */', 0).slice(0, 3)).toEqual(['P', 'D', 'H']);
      expect(await db.query(asked, [false, 6])).toEqual([{ flag: false, next: 7 }]);
      expect(messagesWith('/* learnt */', 1).slice(0, 4)).toEqual(['P', 'D', 'B', 'E']);
    } finally {
      restore();
    }
  });

  it('reads the types of a statement that casts each parameter, and of no other', () => {
    expect(castTypes(`SELECT pg_advisory_xact_lock(7, (($1)::bigint % 2147483647)::int4)`, 1)).toEqual([20]);
    expect(castTypes(`FROM jsonb_array_elements_text($1::jsonb->'v') WHERE a = $2::TEXT`, 2)).toEqual([
      3802, 25,
    ]);
    expect(castTypes(`WHERE a = $1::jsonb OR b = $1::jsonb`, 1)).toEqual([3802]);
    // Named without a cast somewhere, cast to two types, to an array, a type with a modifier or
    // one not known here, or the cast is of a function's answer: the server is asked.
    expect(castTypes(`WHERE x = $1`, 1)).toBeUndefined();
    expect(castTypes(`WHERE x = $1::text OR y = $1`, 1)).toBeUndefined();
    expect(castTypes(`$1::jsonb, $1::text`, 1)).toBeUndefined();
    expect(castTypes(`$1::text[]`, 1)).toBeUndefined();
    expect(castTypes(`$1::numeric(3)`, 1)).toBeUndefined();
    expect(castTypes(`$1::int8range`, 1)).toBeUndefined();
    expect(castTypes(`length($1)::bigint`, 1)).toBeUndefined();
    expect(castTypes(`f(a, $1)::text`, 1)).toBeUndefined();
    // $1 is not $10.
    expect(castTypes(`$10::text, $1::bigint`, 1)).toEqual([20]);
    expect(castTypes(`$1::bigint, $2`, 2)).toBeUndefined();
  });

  it('commits progress without waiting for the WAL flush, and everything else durably', async () => {
    const db = openPostgres({ url: postgresTestUrl()!, maxConnections: 1 });
    opened.push(db);
    const setting = async (queryable: Pick<Database, 'query'>) =>
      (await queryable.query<{ synchronous_commit: string }>('SHOW synchronous_commit'))[0]!
        .synchronous_commit;
    expect(await setting(db.progress)).toBe('off');
    expect(await setting(db)).toBe('on');
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

  it('answers the next query after a COPY TO whose reader fell behind', async () => {
    // The reader takes the rows more slowly than they arrive, so the driver pauses its socket;
    // when the last rows and the CopyDone came in one read, the stream ended without resuming
    // it, and the connection never read its next answer (patches/postgres@3.4.9.patch). These
    // sizes hung every time without the fix.
    const sql = postgres(postgresTestUrl()!, { max: 1, onnotice: () => {} });
    try {
      const stream = await sql
        .unsafe(`COPY (SELECT g, repeat('x', 400) FROM generate_series(1, 360) g) TO STDOUT`)
        .readable();
      let bytes = 0;
      for await (const chunk of stream) bytes += (chunk as Buffer).byteLength;
      expect(bytes).toBeGreaterThan(360 * 400);
      const answered = await Promise.race([
        sql`SELECT 1 AS one`.then((rows) => [...rows]),
        new Promise((resolve) => setTimeout(() => resolve('no answer within 5 s'), 5000)),
      ]);
      expect(answered).toEqual([{ one: 1 }]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('reads a COPY TO whole, as one buffer, and answers the next query on the same connection', async () => {
    const db = openPostgres({ url: postgresTestUrl()!, maxConnections: 1 });
    opened.push(db);
    const data = await db.copyOut(
      `SELECT g, 'line ' || g || E'\\twith a tab' FROM generate_series(1, 3000) g`,
    );
    // One buffer, not the driver's one per row: a push writes it into its request as it is.
    expect(data).toHaveLength(1);
    const lines = Buffer.from(data[0]!).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3000);
    expect(lines[0]).toBe('1\tline 1\\twith a tab');
    expect(await db.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
  });

  it('copies on a connection of its own: a query sent meanwhile waits for one, it does not fail', async () => {
    // Under load the driver pipelines queries onto connections that are still busy. One sent
    // onto a connection while a COPY streamed on it failed with COPY_IN_PROGRESS: an instance
    // sync's COPY TO on the main pool failed the requests of users beside it, or itself.
    const db = openPostgres({ url: postgresTestUrl()!, maxConnections: 1 });
    const watcher = openPostgres({ url: postgresTestUrl()!, maxConnections: 1 });
    opened.push(db, watcher);
    await db.query('SELECT 1'); // a connection in use already, as in a running server
    const copying = db.copyOut(`SELECT g, repeat('x', 300) FROM generate_series(1, 300000) g`);
    // Until the server is streaming the copy: the driver has its CopyOutResponse by then.
    for (let tries = 0; ; tries++) {
      const active = await watcher.query(
        `SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'COPY (SELECT g, repeat%'`,
      );
      if (active.length > 0) break;
      if (tries > 500) throw new Error('the COPY never showed up in pg_stat_activity');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [answer, data] = await Promise.all([db.query('SELECT 4 AS four'), copying]);
    expect(answer).toEqual([{ four: 4 }]);
    expect(Buffer.concat(data).toString('utf8').trimEnd().split('\n')).toHaveLength(300_000);
  });

  it('fails a COPY the server refuses, in either direction, and the connection goes on', async () => {
    // A COPY's query resolves with its stream, so a refusal used to reach no one: the stream
    // never ended and the caller waited for ever (patches/postgres@3.4.9.patch).
    const db = openPostgres({ url: postgresTestUrl()!, maxConnections: 1 });
    opened.push(db);
    await expect(
      db.transaction(async (tx) => {
        await tx.exec('CREATE TEMP TABLE refused_copy (n integer, text text) ON COMMIT DROP');
        await tx.copyIn('refused_copy (n, text)', Buffer.from('1\tone\nfive\tfive\n'));
      }),
    ).rejects.toMatchObject({ code: '22P02' });
    await expect(
      db.copyOut('SELECT CASE WHEN g = 5000 THEN 1 / 0 ELSE g END FROM generate_series(1, 10000) g'),
    ).rejects.toMatchObject({ code: '22012' });
    expect(await db.query('SELECT 3 AS three')).toEqual([{ three: 3 }]);
  });
});
