// Live propagation: a write on one RxDB client until it is visible in another client's
// replica, against the same write seen as a `change` event by a bare stream client.
import type { BenchServer } from '../lib/server-process.js';
import type { Table } from '../lib/table.js';
import { logPhase, percentile } from '../lib/timing.js';
import { openSyncedClient } from './client-kit.js';
import { nodeStorage } from './node-storage.js';
import { openRawStream } from './raw-stream.js';

export async function measureLivePropagation(live: BenchServer, samples: number): Promise<Table> {
  const liveToken = { url: live.url, token: live.adminToken };
  const a = await openSyncedClient(nodeStorage(), 'bench-live-a', liveToken, false);
  const b = await openSyncedClient(nodeStorage(), 'bench-live-b', liveToken, false);
  logPhase('live propagation');
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
  return {
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
  };
}
