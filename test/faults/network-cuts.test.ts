// Network faults: a proxy in the test delays every chunk and cuts every open connection at
// random moments. Behind it, RxDB clients keep writing while a control client talks to the
// server directly; and one server pushes 1,000 documents to another through it. Once the
// network is healthy again, replication and instance sync must resume by themselves and
// converge to the state a fault-free run gives: every write on the server and in every
// replica, the receiver holding exactly the source's rows.
import { afterAll, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { api } from '../support/api.js';
import { processDatabaseKind, useServerProcesses } from '../support/server-process.js';
import { contents, local, useSyncServer, waitUntil } from '../support/sync-client.js';
import { startChaosProxy } from './chaos-proxy.js';
import { recordFigures, repositorySnapshot, seedLarge, sleep, SOAK, waitSession } from './fault-kit.js';

const kind = processDatabaseKind();
const CUTS = SOAK ? 60 : 12;
// Two faulty clients and one control: RxDB allows 13 collections per realm (4 per replica).
const WRITES_PER_CLIENT = SOAK ? 150 : 40;
const view = (rows: Record<string, unknown>[]) =>
  rows.map((row) => `${String(row.uid)}|${String(row.title ?? row.name)}|${String(row.status ?? '')}`);

describe(`network cuts and delays on ${kind}`, () => {
  const figures: Record<string, unknown> = { kind };
  afterAll(() => recordFigures(`network-cuts-${kind}`, figures));

  describe('replication clients behind a faulty network', () => {
    const server = useSyncServer(kind, { per: 'block' });

    it('resumes and converges with no lost write', async () => {
      const proxy = await startChaosProxy(Number(new URL(server.url).port), { maxDelayMs: 25 });
      const faulty = await Promise.all([1, 2].map(() => server.open({ url: proxy.url })));
      const control = await server.open();
      const clients = [...faulty, control];

      proxy.startCutting({ minMs: 100, maxMs: 400, limit: CUTS });
      const written = new Map<string, string>();
      await Promise.all(
        faulty.map(async (client, index) => {
          const repository = repositoryDoc({ name: `cut-${index}` });
          await client.replica.collections.repositories.insert(local(repository));
          written.set(repository.uid, repository.name);
          for (let n = 0; n < WRITES_PER_CLIENT; n++) {
            const task = taskDoc(repository.uid, { title: `client ${index} task ${n}` });
            await client.replica.collections.tasks.insert(local(task));
            written.set(task.uid, task.title);
            if (n % 3 === 2) {
              // An edit of an earlier row, so updates travel through the cuts too.
              const earlier = await client.replica.collections.tasks.findOne(task.uid).exec();
              await earlier!.incrementalPatch({ status: 'succeeded', updated_at: new Date().toISOString() });
            }
            await sleep(Math.random() * 40);
          }
        }),
      );
      // The control client writes too, so the faulty ones must also receive over the cuts.
      const controlRepository = repositoryDoc({ name: 'control' });
      await control.replica.collections.repositories.insert(local(controlRepository));
      written.set(controlRepository.uid, controlRepository.name);

      // Let the cuts run out (bounded), then the network is healthy again.
      await waitUntil(() => proxy.cuts >= CUTS, 'every planned cut happened', 60_000);
      proxy.calm();
      const onServerNow = () =>
        server.app.database.db.query<{ uid: string; title: string }>(
          `SELECT uid, name AS title FROM repositories UNION ALL SELECT uid, title FROM tasks`,
        );
      const missing = async () => {
        const stored = new Set((await onServerNow()).map((row) => row.uid));
        return [...written.keys()].filter((uid) => !stored.has(uid));
      };
      // Resuming is the clients' job. Their pending count is what the indicator shows, and
      // 0 is a promise to the user: once every client reads 0, every write must already be
      // on the server, with no further waiting.
      for (const client of clients) {
        await waitUntil(
          async () => (await firstValueFrom(client.sync.pendingCount$)) === 0,
          'no write pending',
          90_000,
        );
      }
      const lost = await missing();
      figures.replicationLost = lost.length;
      expect(lost).toEqual([]);
      const onServer = await onServerNow();
      expect(onServer).toHaveLength(written.size);

      // Every replica ends where the fault-free control client ends.
      for (const collection of ['repositories', 'tasks'] as const) {
        await waitUntil(
          async () => {
            const expected = JSON.stringify(view(await contents(control, collection)));
            for (const client of faulty) {
              if (JSON.stringify(view(await contents(client, collection))) !== expected) return false;
            }
            return true;
          },
          `every replica holds the same ${collection}`,
          60_000,
        );
      }
      expect(await contents(control, 'tasks')).toHaveLength(written.size - faulty.length - 1);
      figures.replication = {
        clients: faulty.length,
        writes: written.size,
        cuts: proxy.cuts,
        connectionsCut: proxy.connectionsCut,
        connections: proxy.connections,
        lost: lost.length,
      };
      await proxy.close();
    }, 300_000);
  });

  describe('instance sync through a faulty network', () => {
    const env = { SYNC_SECRET_KEY: 'cuts-secret-key-0123456789abcdef', SYNC_RETRY_BASE_MS: '20' };
    const [a, b] = useServerProcesses({ kind, env }, { kind, env });

    it('re-runs a push cut many times until the receiver holds exactly the source rows', async () => {
      const proxy = await startChaosProxy(b.port, { maxDelayMs: 10 });
      const target = `${proxy.url}/api/sync`;
      await api(a.url, a.adminToken, 'POST', '/api/sync/target-save', { url: target, token: b.adminToken });
      const seeded = await seedLarge(a.url, a.adminToken, 'through-cuts', 1000);
      proxy.startCutting({ minMs: 150, maxMs: 500, limit: CUTS });
      const outcomes: string[] = [];
      const push = async () => {
        const started = await api<{ sync_id: string }>(a.url, a.adminToken, 'POST', '/api/sync', {
          target_server: target,
          repository_id: seeded.repositoryId,
        }).catch(() => null);
        if (!started) return 'refused';
        return (await waitSession(a.url, a.adminToken, started.sync_id)).status;
      };
      // Re-run while the cuts last (bounded in count; every run ends by itself).
      for (let attempt = 0; attempt < 60 && proxy.cuts < CUTS; attempt++) {
        outcomes.push(await push());
        if (outcomes.at(-1) === 'refused') await sleep(200);
      }
      proxy.stopCutting();
      // The network is healthy again: one more run must complete.
      outcomes.push(await push());
      expect(outcomes.at(-1)).toBe('completed');
      expect(proxy.connectionsCut).toBeGreaterThan(0);
      proxy.calm();
      const source = await repositorySnapshot(a.url, a.adminToken, 'through-cuts');
      const copy = await repositorySnapshot(b.url, b.adminToken, 'through-cuts');
      expect(source.documents).toHaveLength(1000);
      expect(copy.tasks).toEqual(source.tasks);
      expect(copy.documents).toEqual(source.documents);
      figures.instanceSync = {
        documents: 1000,
        runs: outcomes.length,
        completed: outcomes.filter((outcome) => outcome === 'completed').length,
        failed: outcomes.filter((outcome) => outcome === 'failed').length,
        cuts: proxy.cuts,
        connectionsCut: proxy.connectionsCut,
        lost: source.documents.length - copy.documents.length,
      };
      await proxy.close();
    }, 300_000);
  });
});
