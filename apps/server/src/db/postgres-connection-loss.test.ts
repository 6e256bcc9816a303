// A backend that dies under the server (a restart, a failover, pg_terminate_backend) costs the
// queries it was running and nothing more: they fail, the pool's next query gets a fresh
// backend and a true answer (never the dead backend's error), a transaction's own ROLLBACK
// never lands on the next backend, and the process sees no unhandled rejection. postgres.js
// 3.4.9 broke each of these (porsager/postgres#1192, #1208, #1215, #1223); the patch in
// patches/postgres@3.4.9.patch mends them. A proxy between the driver and PostgreSQL kills
// the connection at the exact message, the way PostgreSQL does it: a FATAL 57P01
// ErrorResponse, then the socket goes.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from './postgres-database.js';
import { postgresTestUrl, testDatabaseKinds } from '../testing/test-database.js';
import type { Database } from './database.js';

/** What PostgreSQL sends a client whose backend pg_terminate_backend ended. */
function terminationMessage(): Buffer {
  const fields = Buffer.concat([
    ...[
      ['S', 'FATAL'],
      ['V', 'FATAL'],
      ['C', '57P01'],
      ['M', 'terminating connection due to administrator command'],
    ].map(([kind, text]) => Buffer.from(`${kind}${text}\0`)),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeUInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

/** Forwards connections to PostgreSQL; kills the first one that sends `marker`, once. */
class KillingProxy {
  private server: Server | null = null;
  private marker: string | null = null;
  private readonly sockets = new Set<Socket>();
  kills = 0;

  async start(target: URL): Promise<number> {
    this.server = createServer((client) => {
      const upstream = createConnection(Number(target.port || 5432), target.hostname);
      this.sockets.add(client).add(upstream);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      upstream.pipe(client);
      client.on('data', (chunk: Buffer) => {
        if (this.marker !== null && chunk.includes(this.marker)) {
          this.marker = null;
          this.kills++;
          client.write(terminationMessage(), () => client.resetAndDestroy());
          upstream.destroy();
          return;
        }
        upstream.write(chunk);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as { port: number }).port;
  }

  killNext(marker: string): void {
    this.marker = marker;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe.skipIf(!testDatabaseKinds().includes('postgres'))(
  'PostgreSQL connections lost under queries',
  () => {
    const proxy = new KillingProxy();
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    let db: Database;

    beforeAll(async () => {
      process.on('unhandledRejection', record);
      const target = new URL(postgresTestUrl()!);
      const url = new URL(target);
      url.hostname = '127.0.0.1';
      url.port = String(await proxy.start(target));
      // One connection: every query after a loss runs on the backend that replaced it.
      db = openPostgres({ url: url.toString(), maxConnections: 1 });
    });
    afterEach(() => expect(unhandled).toEqual([]));
    afterAll(async () => {
      await db?.close();
      await proxy.stop();
      process.off('unhandledRejection', record);
    });

    const answer = async () =>
      (await db.query<{ answer: number }>('SELECT 41 + $1::int AS answer', [1]))[0]?.answer;

    it('opens a new backend when the first dies while the driver reads its types', async () => {
      // The first statement on every new connection is the driver's own array-types query.
      proxy.killNext('typarray');
      expect(await answer()).toBe(42);
      expect(proxy.kills).toBe(1);
      expect(await answer()).toBe(42);
    });

    it('fails a transaction whose backend dies, and the next backend runs none of it', async () => {
      expect(await answer()).toBe(42);
      for (let round = 0; round < 5; round++) {
        const marker = `doomed_${round}`;
        proxy.killNext(marker);
        const doomed = db.transaction(async (tx) => {
          await tx.query('CREATE TEMP TABLE IF NOT EXISTS left_behind (n int)');
          // Several statements in flight when the backend goes: the driver rolls back after the
          // first fails, while the others are still queued or pipelined.
          await Promise.all([
            tx.query(`SELECT '${marker}' AS marker, pg_sleep(0.05)`),
            tx.query('INSERT INTO left_behind VALUES ($1::int)', [round]),
            tx.query('SELECT $1::int AS n', [round]),
          ]);
        });
        await expect(doomed).rejects.toThrow();
        expect(await answer()).toBe(42);
        expect(await answer()).toBe(42);
      }
      expect(proxy.kills).toBe(6);
    });
  },
);
