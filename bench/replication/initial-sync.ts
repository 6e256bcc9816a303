// Initial sync of the generated repository into a fresh replica, in Node (Dexie over
// fake-indexeddb) and in headless Chromium (real IndexedDB), against the same storage's bulk
// insert of the same documents; and offline edits pushed after reconnect, against the same
// edits sent straight to POST /push.
import { DEFAULT_PULL_BATCH_SIZE } from '../../apps/web/src/sync/replication';
import { launchBrowser } from '../../test/support/browser.js';
import { seedGeneratedRepository } from '../lib/generated-repository.js';
import { childrenPeakRssMiB, formatMiB, peakRssMiB } from '../lib/memory.js';
import { startBenchServer, type BenchServer } from '../lib/server-process.js';
import type { Table } from '../lib/table.js';
import { logPhase } from '../lib/timing.js';
import { openBenchPage } from './browser-bundle.js';
import { bulkInsertBaseline, offlineEditsThenReconnect, openSyncedClient, readAll } from './client-kit.js';
import { nodeStorage } from './node-storage.js';
import { directPush, firstDocuments } from './server-writes.js';

export interface InitialSyncSizes {
  /** Tasks of the generated repository the replicas sync. */
  tasks: number;
  /** Tasks of the smaller repository the offline edits run on. */
  editTasks: number;
  /** Documents edited offline. */
  edits: number;
}

async function initialSyncInChromium(server: BenchServer) {
  const browser = await launchBrowser();
  try {
    const page = await openBenchPage(browser, server.url);
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

export async function measureInitialSync({ tasks, editTasks, edits }: InitialSyncSizes): Promise<Table> {
  const servers: BenchServer[] = [];
  const started = async (name: string) => {
    const server = await startBenchServer(name);
    servers.push(server);
    return server;
  };
  try {
    const small = await started('replicanode');
    const nodeRepository = await seedGeneratedRepository(small.database.url, 'bench-replica', tasks);
    const token = { url: small.url, token: small.adminToken };

    logPhase(`seeded; Node initial sync (${nodeRepository.documentRows} documents)`);
    const node = await openSyncedClient(nodeStorage(), 'bench-node-sync', token, false);
    if (node.counts.documents !== nodeRepository.documentRows)
      throw new Error(
        `the replica holds ${node.counts.documents} documents, expected ${nodeRepository.documentRows}`,
      );
    const docs = await readAll(node.client.replica);
    await node.client.close();
    logPhase('Node bulk insert');
    const nodeBulk = await bulkInsertBaseline(nodeStorage(), 'bench-node-bulk', docs, false);
    // The same sync with the largest page the server allows, to show what the page size costs.
    logPhase('Node initial sync, 1000 per page');
    const bigPages = await openSyncedClient(nodeStorage(), 'bench-node-sync-1000', token, false, 1000);
    await bigPages.client.close();

    logPhase('offline edits');
    const editServer = await started('replicaedits');
    await seedGeneratedRepository(editServer.database.url, 'bench-edits', editTasks);
    const editToken = { url: editServer.url, token: editServer.adminToken };
    const editClient = await openSyncedClient(nodeStorage(), 'bench-node-edits', editToken, false);
    const push = await offlineEditsThenReconnect(editClient.client, edits);
    await editClient.client.close();
    const direct = await directPush(editServer, await firstDocuments(editServer, edits));
    const nodePeak = peakRssMiB();
    const nodeServerPeak = small.peakRss();
    for (const done of [small, editServer]) {
      await done.dispose();
      servers.splice(servers.indexOf(done), 1);
    }

    logPhase('seeding for Chromium');
    const big = await started('replica');
    const repository = await seedGeneratedRepository(big.database.url, 'bench-replica', tasks);
    logPhase('Chromium');
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
    return {
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
        `Peak RSS: server ${formatMiB(nodeServerPeak)} (Node leg), ${formatMiB(big.peakRss())} (Chromium leg), bench process (Node RxDB clients) ${formatMiB(nodePeak)}, Chromium ${browser.memory ? `${formatMiB(browser.memory.total)} summed over its ${browser.memory.processes} processes` : '?'}.`,
      ],
    };
  } finally {
    for (const server of servers.reverse()) await server.dispose();
  }
}
