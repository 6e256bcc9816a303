// The change hub announces a write only once the changes feed can serve it (below the version
// horizon), and still announces it when the older writer that held it back rolls back and so
// sends no notification of its own. PostgreSQL only: on PGlite a write cannot commit while
// another transaction is open, so nothing is ever held.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamChangeEvent } from '@wikisync/shared';
import type { Principal } from '../auth/principal.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/test-database.js';
import { ChangeHub } from './change-hub.js';
import { readChanges } from './changes-feed.js';

const ADMIN: Principal = { userId: 0, userName: 'test', isAdmin: true, tokenId: null };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Rollback extends Error {}

describe.runIf(testDatabaseKinds().includes('postgres'))('change hub and the version horizon', () => {
  let test: TestDatabase;
  let repositoryId: number;
  beforeAll(async () => {
    test = await createTestDatabase('postgres');
    const [row] = await test.db.query<{ id: number }>(
      `INSERT INTO repositories (uid, name) VALUES ('hub-repo', 'r') RETURNING id`,
    );
    repositoryId = row!.id;
  });
  afterAll(() => test.dispose());

  it('holds a change committed behind an open writer until that writer ends, even by rollback', async () => {
    const hub = new ChangeHub(test.db);
    const events: string[] = [];
    const changes: StreamChangeEvent[] = [];
    const unsubscribe = await hub.subscribe(ADMIN, (event) => {
      events.push('change');
      changes.push(event);
    });
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const long = test
      .connect()
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO tasks (uid, repository_id) VALUES ('held-back', $1)`, [repositoryId]);
        opened();
        await holding;
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    await open;
    await test.db.query(`INSERT INTO tasks (uid, repository_id) VALUES ('behind', $1)`, [repositoryId]);
    // Time for the notification to arrive: a hub that announced at once would do so now.
    await pause(300);
    // Marked before the rollback is sent: the hub, reading the horizon on its own connection,
    // may see the rollback before this client has read its answer.
    events.push('writer released');
    release();
    await long;
    for (let i = 0; i < 500 && changes.length === 0; i++) await pause(10);
    await unsubscribe();

    expect(events).toEqual(['writer released', 'change']);
    // And the change it announces is one the feed serves by then.
    const page = await readChanges(test.db, ADMIN, { collection: 'tasks', checkpoint: 0, limit: 10 });
    expect(page.documents.map((doc) => doc.uid)).toEqual(['behind']);
    expect(changes).toEqual([{ collection: 'tasks', checkpoint: page.checkpoint }]);
  });

  it('tells every subscriber to pull once LISTEN is back after its connection was lost', async () => {
    // Notifications sent while the LISTEN connection is down reach no one; postgres.js
    // re-listens on its own, and the hub must then make up for what it may have missed.
    const hub = new ChangeHub(test.db);
    const changes: StreamChangeEvent[] = [];
    const unsubscribe = await hub.subscribe(ADMIN, (event) => changes.push(event));
    const killed = await test.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query ILIKE 'listen%' AND pid <> pg_backend_pid()`,
    );
    expect(killed).toHaveLength(1);
    // Written while nothing listens (or just after): either way it must not stay unannounced.
    await test.db.query(`INSERT INTO tasks (uid, repository_id) VALUES ('during-the-gap', $1)`, [
      repositoryId,
    ]);
    for (let i = 0; i < 500 && new Set(changes.map((change) => change.collection)).size < 3; i++)
      await pause(10);
    await unsubscribe();

    expect(new Set(changes.map((change) => change.collection))).toEqual(
      new Set(['repositories', 'tasks', 'documents']),
    );
    // The tasks announcement reaches at least the row written in the gap.
    const [gap] = await test.db.query<{ server_version: number }>(
      `SELECT server_version FROM tasks WHERE uid = 'during-the-gap'`,
    );
    const tasks = changes.filter((change) => change.collection === 'tasks');
    expect(Math.max(...tasks.map((change) => change.checkpoint.server_version))).toBeGreaterThanOrEqual(
      Number(gap!.server_version),
    );
  });
});
