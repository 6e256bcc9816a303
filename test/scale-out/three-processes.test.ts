// Scale-out: three server processes over one PostgreSQL database behind a round-robin proxy,
// as a deployment adds stateless servers. Browser-sync clients (the web app's sync core over
// RxDB) write through the proxy while their change streams are held on different processes;
// an instance sync is started through the proxy and its status read through the others.
// Every client converges to the server's rows, no acknowledged write is lost, and a write
// taken by one process reaches streams held by the others (each process's change hub
// LISTENs, so NOTIFY carries it across).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskDoc, repositoryDoc } from '@wikisync/shared/testing';
import { adminApi, api, seedPages } from '../support/api.js';
import { startRoundRobinProxy, UPSTREAM_HEADER, type RoundRobinProxy } from '../support/round-robin-proxy.js';
import { processDatabaseKind, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { followStatusStream } from '../support/status-stream.js';
import { contents, local, openClient, waitLive, waitUntil, type Client } from '../support/sync-client.js';

// Open-source RxDB allows 13 collections at once in one process, and a replica has four: three
// clients, one stream held on each process.
const CLIENTS = 3;
const WRITES_PER_CLIENT = 10;
const PAGES = 20;
const env = { SYNC_SECRET_KEY: 'scale-out-secret-key-0123456789ab', SYNC_RETRY_BASE_MS: '10' };

describe.skipIf(processDatabaseKind() !== 'postgres')(
  'three server processes over one PostgreSQL behind a round-robin proxy (PostgreSQL only: an embedded data directory belongs to one process)',
  () => {
    let servers: ServerProcess[] = [];
    let receiver: ServerProcess | undefined;
    let proxy: RoundRobinProxy | undefined;
    const clients: Client[] = [];

    beforeAll(async () => {
      const first = await startServerProcess({ env });
      const others = await Promise.all(
        [1, 2].map(() => startServerProcess({ env, databaseUrl: first.databaseUrl! })),
      );
      servers = [first, ...others];
      receiver = await startServerProcess({ env });
      proxy = await startRoundRobinProxy(servers.map((server) => server.url));
    }, 60_000);

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.close()));
      await proxy?.close();
      // The joined processes first: the first one drops the shared database on dispose.
      await Promise.all(servers.slice(1).map((server) => server.dispose()));
      await servers[0]?.dispose();
      await receiver?.dispose();
    });

    /** Every live task on the shared database, read from one process directly. */
    async function serverTaskUids(server: ServerProcess): Promise<string[]> {
      const page = await api<{ documents: { uid: string; _deleted: boolean }[]; has_more: boolean }>(
        server.url,
        server.adminToken,
        'GET',
        '/api/v1/sync/changes?collection=tasks&checkpoint=0&limit=1000',
      );
      expect(page.has_more).toBe(false);
      return page.documents
        .filter((row) => !row._deleted)
        .map((row) => row.uid)
        .sort();
    }

    it('spreads clients, streams and an instance sync over the processes, and every client converges', async () => {
      const [first, second, third] = servers as [ServerProcess, ServerProcess, ServerProcess];
      const viaProxy = { url: proxy!.url, adminToken: first.adminToken };
      for (let index = 0; index < CLIENTS; index++)
        clients.push(await openClient(proxy!.url, first.adminToken));
      await Promise.all(clients.map((client, index) => waitLive(client, `client ${index} listens`)));
      // One stream held on each process.
      expect(proxy!.streams).toEqual([1, 1, 1]);

      // One client creates the repository; every other sees it through a stream that may be
      // held on another process than the one that took the write.
      const repository = repositoryDoc({ name: 'scaled-out' });
      await clients[0]!.replica.collections.repositories.insert(local(repository));
      await waitUntil(
        async () =>
          (await Promise.all(clients.map((client) => contents(client, 'repositories')))).every((rows) =>
            rows.some((row) => row.uid === repository.uid),
          ),
        'every client has the repository',
        20_000,
      );

      // An instance sync through the proxy: seeded, saved as a target and started on whichever
      // process the proxy picks, its status read through the others.
      const seeded = await seedPages(viaProxy, 'pushed-out', PAGES);
      await adminApi(viaProxy)('POST', '/api/sync/target-save', {
        url: `${receiver!.url}/api/sync`,
        token: receiver!.adminToken,
      });
      const push = await adminApi(viaProxy)<{ sync_id: string }>('POST', '/api/sync', {
        target_server: `${receiver!.url}/api/sync`,
        repository_id: seeded.id,
      });
      // Its status stream, followed on every process: the one running the push sends each step
      // as it is written, the others read it from the shared database; all end with its end.
      const followed = Promise.all(
        servers.map((server) => followStatusStream(server.url, server.adminToken, push.sync_id)),
      );

      // Meanwhile every client writes, all at once, through the proxy.
      const written = clients.flatMap((_, index) =>
        Array.from({ length: WRITES_PER_CLIENT }, (__, n) =>
          taskDoc(repository.uid, { title: `client ${index} task ${n}` }),
        ),
      );
      const writing = Promise.all(
        clients.map((client, index) =>
          client.replica.collections.tasks.bulkInsert(
            written.slice(index * WRITES_PER_CLIENT, (index + 1) * WRITES_PER_CLIENT).map(local),
          ),
        ),
      );

      const readBy = new Set<string>();
      await waitUntil(
        async () => {
          const response = await fetch(`${proxy!.url}/api/sync/status/${push.sync_id}`, {
            headers: { authorization: `Bearer ${first.adminToken}` },
          });
          readBy.add(response.headers.get(UPSTREAM_HEADER) ?? '?');
          const body = (await response.json()) as { data: { status: string; error: string | null } };
          expect(body.data.status).not.toBe('failed');
          return body.data.status === 'completed' && readBy.size >= 2;
        },
        'the push completes, its status read through at least two processes',
        30_000,
      );
      await writing;
      for (const statuses of await followed)
        expect(statuses.at(-1)).toMatchObject({ status: 'completed', progress: 100, completed_tasks: PAGES });
      // Every process reads the same finished session from the shared database.
      for (const server of servers)
        expect(await adminApi(server)('GET', `/api/sync/status/${push.sync_id}`)).toMatchObject({
          status: 'completed',
          progress: 100,
          completed_tasks: PAGES,
        });
      const copied = (
        await adminApi(receiver!)<{ items: { id: number; name: string }[] }>('GET', '/api/repositories')
      ).items.find((each) => each.name === 'pushed-out')!;
      expect(
        (await adminApi(receiver!)<{ total: number }>('GET', `/api/documents?repository_id=${copied.id}`))
          .total,
      ).toBe(PAGES);

      // No write lost: each process serves every client's task, and every client holds
      // exactly what the server holds (the clients' writes and the seeded repository's tasks).
      const onServer = await serverTaskUids(second);
      expect(await serverTaskUids(third)).toEqual(onServer);
      for (const task of written) expect(onServer).toContain(task.uid);
      expect(onServer).toHaveLength(written.length + PAGES);
      await waitUntil(
        async () =>
          (await Promise.all(clients.map((client) => contents(client, 'tasks')))).every(
            (rows) => JSON.stringify(rows.map((row) => String(row.uid)).sort()) === JSON.stringify(onServer),
          ),
        'every client holds exactly the server tasks',
        20_000,
      );
      // Every process took part.
      for (const count of proxy!.requests) expect(count).toBeGreaterThan(0);
    }, 90_000);
  },
);
