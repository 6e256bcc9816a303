// The no-skip guarantee of the changes feed (see changes-feed.ts), under concurrent writers
// on both databases. CONCURRENCY_ROUNDS=n multiplies the work for a deeper run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../db/database.js';
import { WRITE_LOCK_KEY } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/test-database.js';
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

class Rollback extends Error {}

describe.each(testDatabaseKinds())('changes feed under concurrent writers on %s', (kind) => {
  let test: TestDatabase;
  let repositoryId: number;
  beforeAll(async () => {
    test = await createTestDatabase(kind);
    const [row] = await test.db.query<{ id: number }>(
      `INSERT INTO repositories (uid, name) VALUES ('feed-repo', 'r') RETURNING id`,
    );
    repositoryId = row!.id;
  });
  afterAll(() => test.dispose());

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
            // Half the transactions take the pre-006 version lock up front (now taken by no
            // one else, so they queue only among themselves), half go straight to their rows:
            // they start and commit in any order, none of them known to the feed.
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

  /** Pulls from `checkpoint` until a short page; returns the uids served and the new checkpoint. */
  async function drain(db: Database, checkpoint: number, limit = 5) {
    const uids: string[] = [];
    for (;;) {
      const page = await readChanges(db, ADMIN, { collection: 'tasks', checkpoint, limit });
      uids.push(...page.documents.map((doc) => doc.uid));
      checkpoint = page.checkpoint.server_version;
      if (!page.has_more) return { uids, checkpoint };
    }
  }

  it.runIf(kind === 'postgres')(
    'lets a later writer commit while an earlier one is open, and serves it only after the earlier ends',
    async () => {
      const { checkpoint: start } = await drain(test.db, 0, 1000);
      const a = test.connect();
      const b = test.connect();
      let releaseA!: () => void;
      const aHolds = new Promise<void>((resolve) => (releaseA = resolve));
      let aInserted!: () => void;
      const aReady = new Promise<void>((resolve) => (aInserted = resolve));
      const first = a.transaction(async (tx) => {
        await tx.query(`INSERT INTO tasks (uid, repository_id) VALUES ('slow-41', $1)`, [repositoryId]);
        aInserted();
        await aHolds;
      });
      await aReady;
      // Commits while the first writer still holds its transaction: nobody waits for it.
      await b.transaction((tx) =>
        tx.query(`INSERT INTO tasks (uid, repository_id) VALUES ('fast-42', $1)`, [repositoryId]),
      );
      const whileOpen = await drain(test.db, start);
      expect(whileOpen.uids).toEqual([]);
      expect(whileOpen.checkpoint).toBe(start);
      releaseA();
      await first;
      const after = await drain(test.db, whileOpen.checkpoint);
      expect(after.uids).toEqual(['slow-41', 'fast-42']);
    },
  );

  it.runIf(kind === 'postgres')(
    'serves every row exactly once while writers hold transactions open for seconds, and others do not wait',
    async () => {
      // Two long writers each write a row, then hold their transaction open until every short
      // writer has finished and two seconds have passed, then write again and commit (one rolls
      // back). Six short writers commit transaction after transaction meanwhile. If a short
      // commit waited for a long transaction, the short writers could not finish first: the
      // long writers give up waiting after 30 s, and the event order below fails.
      const { checkpoint: start } = await drain(test.db, 0, 1000);
      const events: string[] = [];
      const committed = new Set<string>();
      const rolledBack = new Set<string>();
      const versions = new Map<string, number>();
      let shortsFinished!: () => void;
      const shortsDone = new Promise<void>((resolve) => (shortsFinished = resolve));
      const insert = async (db: Queryable, uid: string) => {
        const [row] = await db.query<{ server_version: number }>(
          `INSERT INTO tasks (uid, repository_id) VALUES ($1, $2) RETURNING server_version`,
          [uid, repositoryId],
        );
        versions.set(uid, Number(row!.server_version));
      };

      const long = async (w: number, commit: boolean) => {
        const uids = [`long${w}-first`, `long${w}-last`];
        try {
          await test.connect().transaction(async (tx) => {
            await insert(tx, uids[0]!);
            events.push(`long${w} open`);
            await Promise.race([Promise.all([shortsDone, pause(2000)]), pause(30_000)]);
            await insert(tx, uids[1]!);
            if (!commit) throw new Rollback();
          });
          for (const uid of uids) committed.add(uid);
        } catch (error) {
          if (!(error instanceof Rollback)) throw error;
          for (const uid of uids) rolledBack.add(uid);
        }
        events.push(`long${w} ended`);
      };
      const short = async (w: number) => {
        const db = test.connect();
        for (let i = 0; i < 20; i++) {
          const uids = [0, 1, 2].map((r) => `short${w}-t${i}-r${r}`);
          await db.transaction(async (tx) => {
            for (const uid of uids) await insert(tx, uid);
          });
          for (const uid of uids) committed.add(uid);
        }
        events.push(`short${w} done`);
      };

      const seen = new Map<string, number>();
      let checkpoint = start;
      let reading = true;
      const reader = (async () => {
        const db = test.connect();
        const next = random(7);
        while (reading) {
          const page = await readChanges(db, ADMIN, {
            collection: 'tasks',
            checkpoint,
            limit: 1 + Math.floor(next() * 9),
          });
          for (const doc of page.documents) seen.set(doc.uid, (seen.get(doc.uid) ?? 0) + 1);
          checkpoint = page.checkpoint.server_version;
          if (!page.has_more) await pause(1);
        }
      })();

      const longs = Promise.all([long(0, true), long(1, false)]);
      while (!(events.includes('long0 open') && events.includes('long1 open'))) await pause(1);
      await Promise.all([0, 1, 2, 3, 4, 5].map((w) => short(w)));
      // Every short row is committed, above the first row of a long writer still open: a feed
      // serving what is committed would serve them now and skip the long rows later.
      const during = await drain(test.connect(), start);
      expect(during.uids.filter((uid) => uid.startsWith('short'))).toEqual([]);
      shortsFinished();
      await longs;
      reading = false;
      await reader;
      const rest = await drain(test.db, checkpoint);
      for (const uid of rest.uids) seen.set(uid, (seen.get(uid) ?? 0) + 1);

      // Parallelism, by the order of events: every short writer finished while both long
      // transactions were still open.
      const lastShort = Math.max(...[0, 1, 2, 3, 4, 5].map((w) => events.indexOf(`short${w} done`)));
      expect(lastShort).toBeLessThan(events.indexOf('long0 ended'));
      expect(lastShort).toBeLessThan(events.indexOf('long1 ended'));
      // The short writers' versions are above the long writers' first ones: the interleaving
      // that a feed serving "everything committed" would skip.
      expect(versions.get('short5-t19-r2')!).toBeGreaterThan(versions.get('long0-first')!);
      // And the reader got every committed row exactly once, and no rolled-back one.
      expect([...committed].filter((uid) => !seen.has(uid))).toEqual([]);
      expect([...rolledBack].filter((uid) => seen.has(uid))).toEqual([]);
      expect([...seen].filter(([, count]) => count !== 1)).toEqual([]);
      expect(seen.size).toBe(committed.size);
    },
    60_000,
  );

  it.runIf(kind === 'postgres')(
    'control: a free-running sequence without the lock does skip a row',
    async () => {
      // The same reader over a table stamped the naive way loses the slow transaction's row,
      // which is what the lock above prevents (and what the test above would catch).
      await test.db.exec(
        `CREATE SEQUENCE naive_seq; CREATE TABLE naive (uid text, v bigint DEFAULT nextval('naive_seq'))`,
      );
      const a = test.connect();
      let releaseA!: () => void;
      const aHolds = new Promise<void>((resolve) => (releaseA = resolve));
      let aInserted!: () => void;
      const aReady = new Promise<void>((resolve) => (aInserted = resolve));
      const slow = a.transaction(async (tx) => {
        await tx.query(`INSERT INTO naive (uid) VALUES ('slow')`);
        aInserted();
        await aHolds;
      });
      await aReady;
      await test.db.query(`INSERT INTO naive (uid) VALUES ('fast')`);
      const firstRead = await test.db.query<{ uid: string; v: number }>(
        'SELECT uid, v FROM naive WHERE v > 0 ORDER BY v',
      );
      releaseA();
      await slow;
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
