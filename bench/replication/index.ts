// 2. Replication: the web app's sync core (RxDB) against a server process.
// Initial sync of the generated repository into a fresh replica, in Node (Dexie over
// fake-indexeddb) and in headless Chromium (real IndexedDB), against the same storage's bulk
// insert of the same documents; offline edits pushed after reconnect; live propagation from
// one client's write to another's replica; fan-out of one write to many stream clients.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { childrenPeakRssMiB, peakRssMiB } from '../lib/memory.js';
import { api, startBenchServer, type BenchServer } from '../lib/server-process.js';
import { seedGeneratedRepository } from '../lib/generated-repository.js';
import { percentile } from '../lib/timing.js';
import type { Table } from '../lib/table.js';
import type { Suite } from '../suites.js';
import { launchBrowser } from '../../test/support/browser.js';
import { browserBundle } from './browser-bundle.js';
import { DEFAULT_PULL_BATCH_SIZE } from '../../apps/web/src/sync/replication';
import { bulkInsertBaseline, offlineEditsThenReconnect, openSyncedClient, readAll } from './client-kit.js';
import { openRawStream, type RawStream } from './raw-stream.js';

const mib = (value: number | null | undefined) =>
  value === null || value === undefined ? '?' : `${value.toFixed(0)} MiB`;
const phase = (what: string) => console.log(`  · ${new Date().toISOString().slice(11, 19)} ${what}`);
const nodeStorage = () => getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange });

interface WireDocument extends Record<string, unknown> {
  uid: string;
  content: string;
}

/** One document edited through POST /push, as any client's write would arrive. */
async function writeOneDocument(server: BenchServer, note: string): Promise<void> {
  const page = await api<{ documents: WireDocument[] }>(
    server,
    'GET',
    '/api/v1/sync/changes?collection=documents&checkpoint=0&limit=1',
  );
  const current = page.documents[0]!;
  const { conflicts } = await api<{ conflicts: unknown[] }>(server, 'POST', '/api/v1/sync/push', {
    collection: 'documents',
    rows: [
      {
        assumed_master_state: current,
        new_document_state: {
          ...current,
          content: `${current.content}\n${note}`,
          updated_at: new Date().toISOString(),
        },
      },
    ],
  });
  if (conflicts.length > 0) throw new Error('the fan-out write met a conflict');
}

/** Baseline of the push: the same number of edits sent straight to POST /push, 100 per request. */
async function directPush(server: BenchServer, docs: WireDocument[]): Promise<number> {
  const start = performance.now();
  for (let offset = 0; offset < docs.length; offset += 100) {
    const rows = docs.slice(offset, offset + 100).map((doc) => ({
      assumed_master_state: doc,
      new_document_state: {
        ...doc,
        content: `${doc.content}\nEdited directly.`,
        updated_at: new Date().toISOString(),
      },
    }));
    const { conflicts } = await api<{ conflicts: unknown[] }>(server, 'POST', '/api/v1/sync/push', {
      collection: 'documents',
      rows,
    });
    if (conflicts.length > 0) throw new Error(`direct push met ${conflicts.length} conflicts`);
  }
  return performance.now() - start;
}

async function initialSyncInChromium(server: BenchServer) {
  const browser = await launchBrowser();
  try {
    const bundle = await browserBundle();
    const page = await browser.newPage();
    // The page is served at the server's own origin (intercepted, never reaching the server),
    // so its API calls are same-origin like the real app's.
    await page.route(`${server.url}/__bench/**`, (route) =>
      route.request().url().endsWith('.js')
        ? route.fulfill({ contentType: 'text/javascript', body: bundle })
        : route.fulfill({
            contentType: 'text/html',
            body: '<!doctype html><script src="/__bench/bundle.js"></script>',
          }),
    );
    await page.goto(`${server.url}/__bench/index.html`);
    const result = await page.evaluate(({ url, token }) => window.benchInitialSync(url, token), {
      url: server.url,
      token: server.adminToken,
    });
    // playwright-core's Browser does not expose its pid: Chromium is our child process.
    return { ...result, memory: childrenPeakRssMiB(/chrom/) };
  } finally {
    await browser.close();
  }
}

export const replication: Suite = {
  name: 'replication',
  description: 'RxDB initial sync vs bulk insert, offline push, live propagation, stream fan-out',
  async run({ quick }) {
    const tasks = quick ? 1_000 : 10_000;
    // The offline edits run on their own smaller replica: what they measure (1,000 edits pushed
    // after reconnect) does not depend on the replica's size, and fake-indexeddb slows down more
    // than linearly with it (1,000 edits on the 21,500-row replica did not finish in 2 min).
    const editTasks = 1_000;
    const edits = quick ? 100 : 1_000;
    const samples = quick ? 20 : 200;
    const streamClients = quick ? 100 : 1_000;
    const servers: BenchServer[] = [];
    const tables: Table[] = [];
    try {
      const small = await startBenchServer('replicanode');
      servers.push(small);
      const nodeRepository = await seedGeneratedRepository(small.database.url, 'bench-replica', tasks);
      const token = { url: small.url, token: small.adminToken };

      phase(`seeded; Node initial sync (${nodeRepository.documentRows} documents)`);
      const node = await openSyncedClient(nodeStorage(), 'bench-node-sync', token, false);
      if (node.counts.documents !== nodeRepository.documentRows)
        throw new Error(
          `the replica holds ${node.counts.documents} documents, expected ${nodeRepository.documentRows}`,
        );
      const docs = await readAll(node.client.replica);
      await node.client.close();
      phase('Node bulk insert');
      const nodeBulk = await bulkInsertBaseline(nodeStorage(), 'bench-node-bulk', docs, false);
      // The same sync with the largest page the server allows, to show what the page size costs.
      phase('Node initial sync, 1000 per page');
      const bigPages = await openSyncedClient(nodeStorage(), 'bench-node-sync-1000', token, false, 1000);
      await bigPages.client.close();

      phase('offline edits');
      const editServer = await startBenchServer('replicaedits');
      servers.push(editServer);
      await seedGeneratedRepository(editServer.database.url, 'bench-edits', editTasks);
      const editClient = await openSyncedClient(
        nodeStorage(),
        'bench-node-edits',
        {
          url: editServer.url,
          token: editServer.adminToken,
        },
        false,
      );
      const push = await offlineEditsThenReconnect(editClient.client, edits);
      await editClient.client.close();
      const direct = await directPush(
        editServer,
        (
          await api<{ documents: WireDocument[] }>(
            editServer,
            'GET',
            `/api/v1/sync/changes?collection=documents&checkpoint=0&limit=${edits}`,
          )
        ).documents,
      );
      const nodePeak = peakRssMiB();
      const nodeServerPeak = small.peakRss();
      for (const done of [small, editServer]) {
        await done.dispose();
        servers.splice(servers.indexOf(done), 1);
      }

      phase('seeding for Chromium');
      const big = await startBenchServer('replica');
      servers.push(big);
      const repository = await seedGeneratedRepository(big.database.url, 'bench-replica', tasks);
      phase('Chromium');
      const browser = await initialSyncInChromium(big);
      if (browser.counts.documents !== repository.documentRows)
        throw new Error(
          `the browser replica holds ${browser.counts.documents} documents, expected ${repository.documentRows}`,
        );

      const rowsTotal = node.counts.repositories! + node.counts.tasks! + node.counts.documents!;
      // Until awaitInSync(): every edit pushed and confirmed, plus the pull that resume() starts.
      // The pending count reaches 0 sooner than the server could have taken the edits (below
      // the direct push's time), so it is not used as the end.
      const pushRate = push.pushed / (push.ms / 1000);
      const directRate = edits / (direct / 1000);
      tables.push({
        title: `Replication: initial sync of the generated repository into a fresh RxDB replica (${repository.documentRows.toLocaleString('en')} documents and ${repository.tasks.toLocaleString('en')} tasks, ${(repository.contentBytes / 2 ** 20).toFixed(1)} MiB of markdown, in Node and in Chromium)`,
        baselineName: 'baseline',
        rows: [
          {
            measure: 'Node, Dexie over fake-indexeddb: initial sync vs bulkInsert of the same docs',
            ours: node.ms,
            baseline: nodeBulk.ms,
            unit: 'ms',
            better: 'lower',
            target: '≤ 1.5×',
            met: node.ms <= 1.5 * nodeBulk.ms,
          },
          {
            measure: `  same, pulling 1000 per request instead of the app's ${DEFAULT_PULL_BATCH_SIZE}`,
            ours: bigPages.ms,
            baseline: nodeBulk.ms,
            unit: 'ms',
            better: 'lower',
            target: '≤ 1.5×',
            met: bigPages.ms <= 1.5 * nodeBulk.ms,
          },
          {
            measure: 'Chromium, real IndexedDB: initial sync vs bulkInsert of the same docs',
            ours: browser.ms,
            baseline: browser.baselineMs,
            unit: 'ms',
            better: 'lower',
            target: '≤ 1.5×',
            met: browser.ms <= 1.5 * browser.baselineMs,
          },
          {
            measure: `push of ${push.pushed.toLocaleString('en')} offline edits after reconnect vs the same count straight to POST /push`,
            ours: pushRate,
            baseline: directRate,
            unit: 'docs/s',
            better: 'higher',
            target: 'reported',
          },
        ],
        notes: [
          `${rowsTotal.toLocaleString('en')} rows in all (repositories, tasks, documents), pulled ${DEFAULT_PULL_BATCH_SIZE} per request as the app does. The baseline inserts the documents the sync stored, with bulkInsert calls of ${DEFAULT_PULL_BATCH_SIZE}.`,
          `Push: on a replica of ${editTasks.toLocaleString('en')} tasks, ${push.pushed} documents edited while paused, then resume() until RxDB reports in sync (${(push.ms / 1000).toFixed(2)} s; the pending count read 0 after ${push.pendingMs.toFixed(0)} ms); baseline: ${edits} edits in requests of 100 (RxDB's push batch size) from Node without RxDB.`,
          `Peak RSS: server ${mib(nodeServerPeak)} (Node leg), ${mib(big.peakRss())} (Chromium leg), bench process (Node RxDB clients) ${mib(nodePeak)}, Chromium ${browser.memory ? `${mib(browser.memory.total)} summed over its ${browser.memory.processes} processes` : '?'}.`,
        ],
      });

      // Live propagation and fan-out on a small server, so clients start quickly. Every stream
      // client here uses the admin token, so the per-user stream cap (sized for one person's
      // devices) is lifted; fan-out measures the hub, not the cap.
      const live = await startBenchServer('live', { MAX_STREAMS_PER_USER: '5000', MAX_STREAMS: '5000' });
      servers.push(live);
      await seedGeneratedRepository(live.database.url, 'bench-live', 100);
      const liveToken = { url: live.url, token: live.adminToken };
      const a = await openSyncedClient(nodeStorage(), 'bench-live-a', liveToken, false);
      const b = await openSyncedClient(nodeStorage(), 'bench-live-b', liveToken, false);
      phase('live propagation');
      const listener = await openRawStream(live.url, live.adminToken);
      const liveDocs = await a.client.replica.collection('documents').find().exec();
      const replicaMs: number[] = [];
      const streamMs: number[] = [];
      try {
        for (let i = 0; i < samples; i++) {
          const doc = liveDocs[i % liveDocs.length]!;
          const uid = String(doc.get('uid'));
          const marker = `\nsample ${i}`;
          listener.drain();
          const announced = listener.nextChange();
          let subscription: { unsubscribe(): void } | undefined;
          const visible = new Promise<number>((resolve) => {
            subscription = b.client.replica
              .collection('documents')
              .findOne(uid)
              .$.subscribe((found) => {
                if (found && String(found.get('content')).endsWith(marker)) resolve(performance.now());
              });
          });
          const start = performance.now();
          const latest = await a.client.replica.collection('documents').findOne(uid).exec();
          await latest!.incrementalPatch({
            content: `${String(latest!.get('content'))}${marker}`,
            updated_at: new Date().toISOString(),
          });
          replicaMs.push((await visible) - start);
          streamMs.push((await announced) - start);
          subscription?.unsubscribe();
        }
      } finally {
        listener.close();
        await a.client.close();
        await b.client.close();
      }
      const p50 = percentile(replicaMs, 50);
      const p99 = percentile(replicaMs, 99);
      tables.push({
        title: `Live propagation: a write on client A until visible in client B's replica (${samples} samples, loopback)`,
        baselineName: 'change event on a bare stream',
        rows: [
          {
            measure: 'p50',
            ours: p50,
            baseline: percentile(streamMs, 50),
            unit: 'ms',
            better: 'lower',
            target: '< 50 ms',
            met: p50 < 50,
          },
          {
            measure: 'p99',
            ours: p99,
            baseline: percentile(streamMs, 99),
            unit: 'ms',
            better: 'lower',
            target: '< 200 ms',
            met: p99 < 200,
          },
          {
            measure: 'max',
            ours: Math.max(...replicaMs),
            baseline: Math.max(...streamMs),
            unit: 'ms',
            better: 'lower',
          },
        ],
        notes: [
          "Both clients are the web app's sync core (RxDB, Dexie over fake-indexeddb) in the bench process. The baseline is the same write seen as a `change` event by a bare stream client: A's push committed and the server announced it; B must still pull and store it.",
        ],
      });

      // Fan-out: first one stream client (the baseline), then many.
      const fanOut = async (count: number) => {
        const streams: RawStream[] = [];
        for (let offset = 0; offset < count; offset += 100)
          streams.push(
            ...(await Promise.all(
              Array.from({ length: Math.min(100, count - offset) }, () =>
                openRawStream(live.url, live.adminToken),
              ),
            )),
          );
        const connectedRss = live.rss();
        const start = performance.now();
        const notified = Promise.all(streams.map((stream) => stream.nextChange()));
        await writeOneDocument(live, `fan-out to ${count}`);
        const last = Math.max(...(await notified)) - start;
        for (const stream of streams) stream.close();
        return { last, connectedRss };
      };
      phase('fan-out');
      const idleRss = live.rss();
      const one = await fanOut(1);
      const many = await fanOut(streamClients);
      tables.push({
        title: `Fan-out: one write announced to ${streamClients.toLocaleString('en')} concurrent stream clients on one server process`,
        baselineName: 'one stream client',
        rows: [
          {
            measure: 'write until the last client is notified',
            ours: many.last,
            baseline: one.last,
            unit: 'ms',
            better: 'lower',
          },
          {
            measure: 'server RSS with the clients connected',
            ours: many.connectedRss ?? Number.NaN,
            baseline: one.connectedRss,
            unit: 'MiB',
            better: 'lower',
          },
        ],
        notes: [
          `Server RSS: ${mib(idleRss)} idle, ${mib(many.connectedRss)} with ${streamClients} streams, peak ${mib(live.peakRss())} (${((((many.connectedRss ?? 0) - (idleRss ?? 0)) * 1024) / streamClients).toFixed(0)} KiB per stream). The clients are bare SSE readers in the bench process (peak RSS ${mib(peakRssMiB())}); the time includes the write's own request.`,
        ],
      });
      return tables;
    } finally {
      for (const server of servers.reverse()) await server.dispose();
    }
  },
};
