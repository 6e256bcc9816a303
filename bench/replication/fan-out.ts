// Fan-out: one write announced to many concurrent stream clients on one server process,
// against the same write announced to one.
import { formatMiB, peakRssMiB } from '../lib/memory.js';
import type { BenchServer } from '../lib/server-process.js';
import type { Table } from '../lib/table.js';
import { logPhase } from '../lib/timing.js';
import { openRawStream, type RawStream } from './raw-stream.js';
import { writeOneDocument } from './server-writes.js';

/** Opens `count` bare streams on `live` (100 at a time), writes once, and times the last notice. */
async function announceTo(live: BenchServer, count: number) {
  const streams: RawStream[] = [];
  for (let offset = 0; offset < count; offset += 100)
    streams.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, count - offset) }, () => openRawStream(live.url, live.adminToken)),
      )),
    );
  const connectedRss = live.rss();
  const start = performance.now();
  const notified = Promise.all(streams.map((stream) => stream.nextChange()));
  await writeOneDocument(live, `fan-out to ${count}`);
  const last = Math.max(...(await notified)) - start;
  for (const stream of streams) stream.close();
  return { last, connectedRss };
}

export async function measureFanOut(live: BenchServer, streamClients: number): Promise<Table> {
  logPhase('fan-out');
  const idleRss = live.rss();
  const one = await announceTo(live, 1);
  const many = await announceTo(live, streamClients);
  const perStreamKiB = (((many.connectedRss ?? 0) - (idleRss ?? 0)) * 1024) / streamClients;
  return {
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
      `Server RSS: ${formatMiB(idleRss)} idle, ${formatMiB(many.connectedRss)} with ${streamClients} streams, peak ${formatMiB(live.peakRss())} (${perStreamKiB.toFixed(0)} KiB per stream). The clients are bare SSE readers in the bench process (peak RSS ${formatMiB(peakRssMiB())}); the time includes the write's own request.`,
    ],
  };
}
