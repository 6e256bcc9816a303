// Losing the database connections: every backend of the server's database is terminated
// (pg_terminate_backend, what a Postgres restart does to clients, without touching the
// machine's cluster) while replication clients write and while an instance sync pushes.
// The server process must recover on its own (same pid): later requests succeed, the change
// stream's LISTEN comes back so new writes are announced, and no write is lost. A request the
// outage did hit is a 503 to retry, never a 500.
// Real PostgreSQL only: the embedded database lives inside the server process.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { openPostgres } from '../../apps/server/src/db/postgres-database.js';
import type { Database } from '../../apps/server/src/db/database.js';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { api } from '../support/api.js';
import { readSseMessages } from '../../apps/server/src/testing/sse-events.js';
import { processDatabaseKind, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { recordFigures, repositorySnapshot, seedLarge, sleep, SOAK, waitSession } from './fault-kit.js';

const kind = processDatabaseKind();
const ROUNDS = SOAK ? 10 : 3;

/** Retries a call while the server answers 5xx during the outage (bounded). */
async function retrying<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 50) throw error;
      await sleep(100);
    }
  }
}

describe.skipIf(kind !== 'postgres')('Postgres connections dropped under a running server', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: Database;
  let terminated = 0;
  const env = { SYNC_SECRET_KEY: 'pg-restart-secret-0123456789abcdef', SYNC_RETRY_BASE_MS: '20' };

  beforeAll(async () => {
    [a, b] = await Promise.all([startServerProcess({ env }), startServerProcess({ env })]);
    admin = openPostgres({ url: process.env.TEST_DATABASE_URL!, maxConnections: 1 });
  });
  afterAll(async () => {
    if (a && a.pid() === null) console.log(`server A output:\n${a.output()}`);
    if (b && b.pid() === null) console.log(`server B output:\n${b.output()}`);
    recordFigures('postgres-restart', { rounds: ROUNDS, backendsTerminated: terminated });
    await admin?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
  });

  async function dropConnections(server: ServerProcess): Promise<number> {
    const database = new URL(server.databaseUrl!).pathname.slice(1);
    const rows = await admin.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    terminated += rows.length;
    return rows.length;
  }

  /** Log lines of requests that failed as a 500 (a dropped connection must be a 503). */
  function unexpectedFailures(server: ServerProcess): string[] {
    return server
      .output()
      .split('\n')
      .filter((line) => line.includes('request failed with an unexpected error'))
      .map((line) => line.slice(0, 400));
  }

  /** Opens the change stream and counts `change` events. */
  async function openStream(server: ServerProcess) {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/sync/stream`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const state = { changes: 0, ready: false };
    void readSseMessages(response, ({ event }) => {
      if (event === 'change') state.changes++;
      if (event === 'ready') state.ready = true;
    }).catch(() => {});
    return { state, close: () => controller.abort() };
  }

  /** A failing test prints what the servers logged last: a hung request or a crash shows there. */
  function printServersOnFailure() {
    onTestFailed(() => {
      for (const [name, server] of [
        ['A', a],
        ['B', b],
      ] as const) {
        console.log(
          `server ${name} (pid ${server.pid()}), last lines:\n${server.output().split('\n').slice(-40).join('\n')}`,
        );
      }
    });
  }

  it('keeps replicating and announcing changes after every connection is dropped', async () => {
    printServersOnFailure();
    const pid = a.pid();
    const repository = repositoryDoc({ name: 'pg-drops' });
    const pushRow = (collection: string, doc: object) =>
      api(a.url, a.adminToken, 'POST', '/api/v1/sync/push', {
        collection,
        rows: [{ assumed_master_state: null, new_document_state: doc }],
      });
    await pushRow('repositories', repository);
    const stream = await openStream(a);
    for (let tries = 0; tries < 100 && !stream.state.ready; tries++) await sleep(50);
    const written: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Writes keep coming while the connections go away.
      const writer = (async () => {
        for (let n = 0; n < 20; n++) {
          const task = taskDoc(repository.uid, { title: `round ${round} task ${n}` });
          await retrying(() => pushRow('tasks', task));
          written.push(task.uid);
          await sleep(10);
        }
      })();
      await sleep(50);
      expect(await dropConnections(a)).toBeGreaterThan(0);
      await writer;
      // The LISTEN connection is back: a write made now is announced on the open stream.
      const before = stream.state.changes;
      const until = Date.now() + 15_000;
      while (stream.state.changes === before && Date.now() < until) {
        await retrying(() => pushRow('tasks', taskDoc(repository.uid, { title: `probe ${round}` })));
        await sleep(300);
      }
      expect(stream.state.changes, `round ${round}: no change announced after the drop`).toBeGreaterThan(
        before,
      );
    }
    stream.close();
    const tasks = await api<{ documents: { uid: string }[] }>(
      a.url,
      a.adminToken,
      'GET',
      '/api/v1/sync/changes?collection=tasks&checkpoint=0&limit=1000',
    );
    const stored = new Set(tasks.documents.map((row) => row.uid));
    expect(written.filter((uid) => !stored.has(uid))).toEqual([]);
    expect(a.pid()).toBe(pid);
    expect(unexpectedFailures(a)).toEqual([]);
  });

  it('finishes an instance sync whose connections were dropped mid-push, on a re-run', async () => {
    printServersOnFailure();
    const pids = [a.pid(), b.pid()];
    const target = `${b.url}/api/sync`;
    await api(a.url, a.adminToken, 'POST', '/api/sync/target-save', { url: target, token: b.adminToken });
    const seeded = await seedLarge(a.url, a.adminToken, 'pg-drop-sync', 1000);
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < ROUNDS + 10; attempt++) {
      const started = await retrying(() =>
        api<{ sync_id: string }>(a.url, a.adminToken, 'POST', '/api/sync', {
          target_server: target,
          repository_id: seeded.repositoryId,
        }),
      );
      if (attempt < ROUNDS) {
        await sleep(100 + Math.random() * 300);
        await dropConnections(attempt % 2 === 0 ? b : a);
      }
      const status = await retrying(() => waitSession(a.url, a.adminToken, started.sync_id));
      outcomes.push(status.status);
      if (attempt >= ROUNDS && status.status === 'completed') break;
    }
    expect(outcomes.at(-1)).toBe('completed');
    const source = await repositorySnapshot(a.url, a.adminToken, 'pg-drop-sync');
    const copy = await repositorySnapshot(b.url, b.adminToken, 'pg-drop-sync');
    expect(source.documents).toHaveLength(1000);
    expect(copy.tasks).toEqual(source.tasks);
    expect(copy.documents).toEqual(source.documents);
    expect([a.pid(), b.pid()]).toEqual(pids);
    expect([...unexpectedFailures(a), ...unexpectedFailures(b)]).toEqual([]);
  });
});
