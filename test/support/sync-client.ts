// Helpers for the replication flows: a real server (in-process, over HTTP on a loopback
// port) and real RxDB 17 clients (Dexie over fake-indexeddb) using the web app's sync core.
// `useSyncServer` gives a describe block both, started before its tests and closed after.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { firstValueFrom } from 'rxjs';
import { addRxPlugin } from 'rxdb/plugins/core';
import { RxDBDevModePlugin } from 'rxdb/plugins/dev-mode';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import type { DatabaseKind } from '../../apps/server/src/db/database.js';
import {
  listen,
  startTestApp,
  TEST_ADMIN_TOKEN,
  type TestApp,
} from '../../apps/server/src/testing/test-app.js';
import { blockHandle } from '../../apps/server/src/testing/block-handle.js';
import { createReplica, type Replica, type ReplicaOptions } from '../../apps/web/src/sync/replica.js';
import {
  startReplication,
  type SyncController,
  type SyncOptions,
} from '../../apps/web/src/sync/replication.js';

addRxPlugin(RxDBDevModePlugin);

export interface SyncServer {
  app: TestApp;
  url: string;
  close(): Promise<void>;
}

export async function startSyncServer(
  kind: DatabaseKind,
  config: Parameters<typeof startTestApp>[1] = {},
): Promise<SyncServer> {
  const app = await startTestApp(kind, config);
  const server = await listen(app.app.fetch);
  return {
    app,
    url: server.url,
    close: async () => {
      await server.close();
      await app.close();
    },
  };
}

export interface Client {
  replica: Replica;
  sync: SyncController;
  close(): Promise<void>;
}

let clientSequence = 0;

/**
 * RxDB storage over a fresh fake IndexedDB. The flows run RxDB in dev-mode (see above),
 * which wants a validating storage.
 */
export const freshTestStorage = (indexedDB = new IDBFactory()) =>
  wrappedValidateAjvStorage({ storage: getRxStorageDexie({ indexedDB, IDBKeyRange }) });

/** A fresh browser: its own IndexedDB, its own replica, replicating against `url`. */
export async function openClient(
  url: string,
  token: string,
  options: Partial<SyncOptions> = {},
  storage: ReplicaOptions['storage'] = freshTestStorage(),
): Promise<Client> {
  const replica = await createReplica({
    name: `client-${++clientSequence}`,
    storage,
    multiInstance: false,
  });
  const sync = startReplication(replica, {
    baseUrl: url,
    getToken: () => token,
    retryTime: 200,
    waitForLeadership: false,
    streamRetry: { min: 100, max: 500 },
    ...options,
  });
  let closed: Promise<void> | undefined;
  return {
    replica,
    sync,
    // Once only: a test may close a client itself and leave it to the stage as well.
    close: () =>
      (closed ??= (async () => {
        await sync.stop();
        await replica.close();
      })()),
  };
}

/** A sync server for one describe block, and the clients its tests open on it. */
export interface SyncStage {
  /** The running server's app (in hooks and tests, not while the block is collected). */
  readonly app: TestApp;
  /** The running server's base URL. */
  readonly url: string;
  /**
   * A fresh client (see `openClient`) signed in with `token` (default: the admin's), on the
   * server or on `url` (a proxy in front of it), over `storage` (default: a fresh fake
   * IndexedDB); closed after the test that opened it.
   */
  open(
    options?: Partial<SyncOptions> & { token?: string; url?: string; storage?: ReplicaOptions['storage'] },
  ): Promise<Client>;
}

/**
 * Registers the hooks that start a sync server for the describe block that calls it: a
 * fresh one for every test (`per: 'test'`, the default) or one shared by all its tests
 * (`per: 'block'`). Clients opened through the stage are closed after each test, before
 * the server.
 */
export function useSyncServer(
  kind: DatabaseKind,
  options: { per?: 'test' | 'block'; config?: Parameters<typeof startTestApp>[1] } = {},
): SyncStage {
  let server: SyncServer | undefined;
  let clients: Client[] = [];
  const start = async () => {
    server = await startSyncServer(kind, options.config);
  };
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  const closeClients = async () => {
    await Promise.all(clients.map((client) => client.close()));
    clients = [];
  };
  if (options.per === 'block') {
    beforeAll(start);
    afterEach(closeClients);
    afterAll(stop);
  } else {
    beforeEach(start);
    afterEach(async () => {
      await closeClients();
      await stop();
    });
  }
  const running = blockHandle(() => server, ['app', 'url'], 'the sync server');
  return Object.assign(running, {
    async open({ token = TEST_ADMIN_TOKEN, url, storage, ...sync }: Parameters<SyncStage['open']>[0] = {}) {
      const client = await openClient(url ?? running.url, token, sync, storage);
      clients.push(client);
      return client;
    },
  });
}

/** Resolves once the client listens to the server's change stream. */
export const waitLive = (client: Client, what = 'the client listens to the stream') =>
  waitUntil(async () => (await firstValueFrom(client.sync.streamConnected$)) === true, what);

/** A server-shaped row (it carries `_deleted`) as the document a local insert takes, without it. */
export const local = <T extends { _deleted: boolean }>({ _deleted, ...doc }: T) => doc;

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The replica's live documents of a collection, as plain objects sorted by uid. */
export async function contents(client: Client, collection: 'repositories' | 'tasks' | 'documents') {
  const docs = await client.replica.collection(collection).find().exec();
  return docs
    .map((doc) => doc.toJSON() as Record<string, unknown>)
    .sort((a, b) => String(a.uid).localeCompare(String(b.uid)));
}

/**
 * A TCP proxy in front of a server, so a test can take "the server" away from clients
 * (connections refused, open ones cut) and bring it back on the same address.
 */
export async function startProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await up();
  return { url: `http://127.0.0.1:${port}`, up, down };
}

export const nowIso = () => new Date().toISOString();
