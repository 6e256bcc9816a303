// 4. Concurrent pushers: many replication clients pushing at once into one server process,
// each in the load suite's rhythm (push one new task, pause 0–50 ms, again), first all into
// one repository, then each into a repository of its own. Push latency (p50, p99) and the
// rows per second the server takes in, against one client alone. A feed reader pulls all the
// while with small pages and must end with every acknowledged row exactly once: throughput
// bought by skipping rows would show here.
import { api, startBenchServer, type BenchServer } from './lib/server-process.js';
import { lightClient } from './lib/light-client.js';
import { percentile } from './lib/timing.js';
import type { Table } from './lib/table.js';
import { defineSuite } from './lib/suite.js';
import { repositoryDoc, taskDoc } from '../packages/shared/src/testing/replicated-docs.js';

const CLIENTS = 100;
const PAUSE_MS = 50;

interface Run {
  latencies: number[];
  acknowledged: string[];
  errors: string[];
  seconds: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pushers(server: BenchServer, repositoryUids: string[], clients: number, seconds: number) {
  const run: Run = { latencies: [], acknowledged: [], errors: [], seconds };
  const until = performance.now() + seconds * 1000;
  const http = lightClient(server.url, {
    authorization: `Bearer ${server.adminToken}`,
    'content-type': 'application/json',
  });
  async function client(index: number) {
    for (let n = 0; performance.now() < until; n++) {
      const task = taskDoc(repositoryUids[index % repositoryUids.length]!, {
        title: `client ${index} write ${n}`,
      });
      const started = performance.now();
      try {
        const response = await http.send(
          'POST',
          '/api/v1/sync/push',
          JSON.stringify({
            collection: 'tasks',
            rows: [{ assumed_master_state: null, new_document_state: task }],
          }),
        );
        const body = JSON.parse(response.body) as { data?: { conflicts: unknown[] }; error?: string };
        run.latencies.push(performance.now() - started);
        if (response.status !== 200) run.errors.push(`${response.status} ${body.error}`);
        else if ((body.data?.conflicts.length ?? 0) > 0) run.errors.push(`conflict for ${task.uid}`);
        else run.acknowledged.push(task.uid);
      } catch (error) {
        run.errors.push((error as Error).message);
      }
      await pause(Math.random() * PAUSE_MS);
    }
  }
  await Promise.all(Array.from({ length: clients }, (_, index) => client(index)));
  http.close();
  return run;
}

/** Pulls the tasks feed with small pages until `stop` resolves, then to the end. */
async function feedReader(server: BenchServer, stop: Promise<unknown>) {
  const seen = new Map<string, number>();
  let checkpoint = 0;
  let stopping = false;
  void stop.then(() => (stopping = true));
  for (;;) {
    const last = stopping;
    const page = await api<{
      documents: { uid: string }[];
      checkpoint: { server_version: number };
      has_more: boolean;
    }>(server, 'GET', `/api/v1/sync/changes?collection=tasks&checkpoint=${checkpoint}&limit=50`);
    for (const doc of page.documents) seen.set(doc.uid, (seen.get(doc.uid) ?? 0) + 1);
    checkpoint = page.checkpoint.server_version;
    if (!page.has_more) {
      if (last) return seen;
      await pause(5);
    }
  }
}

export const concurrentPush = defineSuite({
  name: 'concurrent-push',
  description: `${CLIENTS} clients pushing into one repository at once, against one client alone`,
  sizes: { quick: { seconds: 4 }, full: { seconds: 15 } },
  async run({ seconds }) {
    const server = await startBenchServer('pushers');
    try {
      const repositories = Array.from({ length: CLIENTS }, (_, index) =>
        repositoryDoc({ name: `pushed-at-once-${index}` }),
      );
      await api(server, 'POST', '/api/v1/sync/push', {
        collection: 'repositories',
        rows: repositories.map((repository) => ({
          assumed_master_state: null,
          new_document_state: repository,
        })),
      });
      const one = [repositories[0]!.uid];
      const alone = await pushers(server, one, 1, seconds);
      /** `CLIENTS` pushers and a feed reader that must see their rows and `earlier` ones. */
      const watched = async (uids: string[], earlier: string[]) => {
        const busy = pushers(server, uids, CLIENTS, seconds);
        const reading = feedReader(server, busy);
        const run = await busy;
        return { run, seen: await reading, expected: run.acknowledged.concat(earlier) };
      };
      const together = await watched(one, alone.acknowledged);
      const apart = await watched(
        repositories.map((repository) => repository.uid),
        [],
      );

      const rate = (run: Run) => run.acknowledged.length / run.seconds;
      const rows = ([label, { run }]: [string, { run: Run }]) => [
        {
          measure: `push latency p50, ${label}`,
          ours: percentile(run.latencies, 50),
          baseline: percentile(alone.latencies, 50),
          unit: 'ms',
          better: 'lower' as const,
          target: '< 100 ms',
          met: percentile(run.latencies, 50) < 100,
        },
        {
          measure: `push latency p99, ${label}`,
          ours: percentile(run.latencies, 99),
          baseline: percentile(alone.latencies, 99),
          unit: 'ms',
          better: 'lower' as const,
        },
        {
          measure: `rows written per second, ${label}`,
          ours: rate(run),
          baseline: rate(alone),
          unit: 'rows/s',
          better: 'higher' as const,
        },
      ];
      const runs: [string, { run: Run; seen: Map<string, number>; expected: string[] }][] = [
        ['one repository', together],
        [`${CLIENTS} repositories`, apart],
      ];
      const errors = [together.run, apart.run, alone].flatMap((run) => run.errors);
      const table: Table = {
        title: `Concurrent pushers: ${CLIENTS} clients, one server process, ${seconds} s each`,
        baselineName: 'one client alone',
        rows: runs.flatMap(rows),
        notes: [
          `Each client pushes one new task per request, then pauses 0–${PAUSE_MS} ms (the load suite's rhythm): first all ${CLIENTS} into one repository, then each into one of its own. Pushes acknowledged: ${runs.map(([label, { run }]) => `${label} ${run.acknowledged.length}`).join(', ')}, one client alone ${alone.acknowledged.length}; errors: ${errors.length}${errors[0] ? ` (first: ${errors[0]})` : ''}.`,
          ...runs.map(([label, { seen, expected: own }]) => {
            const missing = own.filter((uid) => !seen.has(uid)).length;
            const twice = [...seen.values()].filter((count) => count > 1).length;
            return `A feed reader pulling 50 rows a page all the while (${label}) saw ${own.length - missing} of ${own.length} acknowledged rows; missing ${missing}, served twice ${twice}.`;
          }),
          'PostgreSQL on the same two cores; the server keeps its default pool of 10 connections. The clients (node:http on kept-alive sockets) and the reader run in the bench process.',
        ],
      };
      return [table];
    } finally {
      await server.dispose();
    }
  },
});
