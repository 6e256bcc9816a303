// The no-skip guarantee of the changes feed (see changes-feed.ts), under concurrent writers
// on both databases. CONCURRENCY_ROUNDS=n multiplies the work for a deeper run.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { WRITE_LOCK_KEY } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { useTestDatabase, testDatabaseKinds } from '../testing/test-database.js';
import { readChanges } from './changes-feed.js';

const ADMIN: Principal = { userId: 0, userName: 'test', isAdmin: true, tokenId: null };
const WRITERS = 8;
const TRANSACTIONS_PER_WRITER = 40 * Number(process.env.CONCURRENCY_ROUNDS ?? 1);

/** A small seeded generator, so a failing interleaving can be replayed with its seed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A slow writer: runs `sql` in a transaction on `db` and holds that transaction open until
 * `release()`. Resolves once the statement has run; `committed` settles when it ends.
 */
async function slowWriter(db: Database, sql: string, params?: unknown[]) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let written!: () => void;
  const ready = new Promise<void>((resolve) => (written = resolve));
  const committed = db.transaction(async (tx) => {
    await tx.query(sql, params);
    written();
    await held;
  });
  await Promise.race([ready, committed]);
  return { release, committed };
}

class Rollback extends Error {}

describe.each(testDatabaseKinds())('changes feed under concurrent writers on %s', (kind) => {
  const test = useTestDatabase(kind);
  let repositoryId: number;
  beforeAll(async () => {
    const [row] = await test.db.query<{ id: number }>(
      `INSERT INTO repositories (uid, name) VALUES ('feed-repo', 'r') RETURNING id`,
    );
    repositoryId = row!.id;
  });

  it('serves every committed row exactly once to a reader pulling with small limits', async () => {
    const seed = Number(process.env.CONCURRENCY_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    // On Postgres every writer and the reader get their own connections.
    const writerDb: Database = kind === 'postgres' ? test.connect() : test.db;
    const readerDb: Database = kind === 'postgres' ? test.connect() : test.db;
    const committed = new Set<string>();
    const rolledBack = new Set<string>();
    let writing = true;

    const writer = async (w: number) => {
      for (let i = 0; i < TRANSACTIONS_PER_WRITER; i++) {
        const rows = 1 + Math.floor(next() * 30);
        const lockFirst = next() < 0.5;
        const abort = next() < 0.1;
        const uids: string[] = [];
        try {
          await writerDb.transaction(async (tx) => {
            // Half the transactions take the version lock up front (writeTransaction), half
            // leave it to the trigger at their first row, so they start in any order.
            if (lockFirst) await tx.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK_KEY]);
            else if (next() < 0.5) await pause(next() * 3);
            for (let j = 0; j < rows; j++) {
              const uid = `w${w}-t${i}-r${j}`;
              uids.push(uid);
              await tx.query('INSERT INTO tasks (uid, repository_id, title) VALUES ($1, $2, $3)', [
                uid,
                repositoryId,
                uid,
              ]);
              if (next() < 0.1) await pause(next() * 2);
            }
            if (next() < 0.3) {
              await tx.query(`UPDATE tasks SET title = title || '!' WHERE uid = $1`, [uids[0]]);
            }
            if (abort) throw new Rollback();
          });
          for (const uid of uids) committed.add(uid);
        } catch (error) {
          if (!(error instanceof Rollback)) throw error;
          for (const uid of uids) rolledBack.add(uid);
        }
      }
    };

    const seen = new Map<string, number>();
    let checkpoint = 0;
    let batches = 0;
    const pull = async () => {
      const limit = 1 + Math.floor(next() * 9);
      const batch = await readChanges(readerDb, ADMIN, { collection: 'tasks', checkpoint, limit });
      batches++;
      for (const doc of batch.documents) seen.set(doc.uid, (seen.get(doc.uid) ?? 0) + 1);
      expect(batch.checkpoint.server_version).toBeGreaterThanOrEqual(checkpoint);
      checkpoint = batch.checkpoint.server_version;
      return batch;
    };
    const reader = async () => {
      while (writing) {
        const batch = await pull();
        if (!batch.has_more) await pause(1);
      }
      while ((await pull()).has_more);
    };

    const started = Date.now();
    const reading = reader();
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writing = false;
    await reading;

    const context = `seed ${seed}, ${committed.size} rows, ${batches} batches, ${Date.now() - started} ms`;
    expect(committed.size, context).toBeGreaterThan(2000);
    const missing = [...committed].filter((uid) => !seen.has(uid));
    expect(missing, context).toEqual([]);
    expect(
      [...rolledBack].filter((uid) => seen.has(uid)),
      context,
    ).toEqual([]);
    // Rows updated in their own transaction become visible once, at their last version.
    const repeated = [...seen].filter(([, count]) => count !== 1);
    expect(repeated, context).toEqual([]);
    expect(seen.size, context).toBe(committed.size);
  });

  it.runIf(kind === 'postgres')(
    'makes a later writer wait, so a smaller version is never overtaken',
    async () => {
      const first = await slowWriter(
        test.connect(),
        `INSERT INTO tasks (uid, repository_id) VALUES ('slow-41', $1)`,
        [repositoryId],
      );
      const b = test.connect();
      let secondDone = false;
      const second = b
        .transaction((tx) =>
          tx.query(`INSERT INTO tasks (uid, repository_id) VALUES ('fast-42', $1)`, [repositoryId]),
        )
        .then(() => (secondDone = true));
      await pause(300);
      expect(secondDone).toBe(false);
      const before = await test.db.query(`SELECT uid FROM tasks WHERE uid IN ('slow-41', 'fast-42')`);
      expect(before).toEqual([]);
      first.release();
      await Promise.all([first.committed, second]);
      const order = await test.db.query<{ uid: string }>(
        `SELECT uid FROM tasks WHERE uid IN ('slow-41', 'fast-42') ORDER BY server_version`,
      );
      expect(order.map((row) => row.uid)).toEqual(['slow-41', 'fast-42']);
    },
  );

  it.runIf(kind === 'postgres')(
    'control: a free-running sequence without the lock does skip a row',
    async () => {
      // The same reader over a table stamped the naive way loses the slow transaction's row,
      // which is what the lock above prevents (and what the test above would catch).
      await test.db.exec(
        `CREATE SEQUENCE naive_seq; CREATE TABLE naive (uid text, v bigint DEFAULT nextval('naive_seq'))`,
      );
      const slow = await slowWriter(test.connect(), `INSERT INTO naive (uid) VALUES ('slow')`);
      await test.db.query(`INSERT INTO naive (uid) VALUES ('fast')`);
      const firstRead = await test.db.query<{ uid: string; v: number }>(
        'SELECT uid, v FROM naive WHERE v > 0 ORDER BY v',
      );
      slow.release();
      await slow.committed;
      const checkpoint = Math.max(...firstRead.map((row) => Number(row.v)));
      const secondRead = await test.db.query<{ uid: string }>(
        'SELECT uid FROM naive WHERE v > $1 ORDER BY v',
        [checkpoint],
      );
      const served = [...firstRead, ...secondRead].map((row) => row.uid);
      expect(served).toEqual(['fast']);
    },
  );
});
