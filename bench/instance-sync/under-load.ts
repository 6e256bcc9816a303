// 1b. Instance sync beside the load suite: the same full push from server A to server B, once
// on a quiet server A and once while the load suite's traffic (clients holding the change
// stream and looping push → pull) runs against A, the process that runs the push and answers
// its status. The figure is the longest time the status stood still: progress must move at
// least once a second however busy the server is. The status is followed through the status
// stream, as the /sync page follows it; a second push under load is watched by polling
// `GET /status/:sync_id` every 20 ms, as a script or an openDeepWiki page would.
import { startReplicationLoad } from '../lib/replication-load.js';
import { api, startBenchServer, type BenchServer } from '../lib/server-process.js';
import { seedGeneratedRepository } from '../lib/generated-repository.js';
import type { Table } from '../lib/table.js';
import { defineSuite } from '../lib/suite.js';
import { runPush } from './run-push.js';

export const instanceSyncUnderLoad = defineSuite({
  name: 'instance-sync-load',
  description: 'the status of a push A→B while the load suite runs against A, against a quiet A',
  sizes: { quick: { tasks: 1_000, clients: 100 }, full: { tasks: 10_000, clients: 100 } },
  async run({ tasks, clients }) {
    const servers: BenchServer[] = [];
    try {
      // Every client holds a stream; the per-user cap is sized for one person's devices.
      const env = { MAX_STREAMS_PER_USER: String(clients + 10) };
      const a = await startBenchServer('a', env);
      servers.push(a);
      const b = await startBenchServer('b', env);
      servers.push(b);
      const target = `${b.url}/api/sync`;
      await api(a, 'POST', '/api/sync/target-save', { url: target, token: b.adminToken });
      const quietRepository = await seedGeneratedRepository(a.database.url, 'bench-quiet', tasks);
      const loadedRepository = await seedGeneratedRepository(a.database.url, 'bench-loaded', tasks);
      const polledRepository = await seedGeneratedRepository(a.database.url, 'bench-polled', tasks);

      const quiet = await runPush(a, target, quietRepository.id);
      const load = await startReplicationLoad(a, clients);
      // Let the clients reach their rhythm before the push starts.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const polled = await runPush(a, target, polledRepository.id, 'poll').catch(async (error) => {
        await load.stop();
        throw error;
      });
      const loaded = await runPush(a, target, loadedRepository.id).finally(() => load.stop());
      const traffic = await load.stop();

      const table: Table = {
        title: `Instance sync beside the load suite: ${tasks.toLocaleString('en')} tasks pushed A→B while ${clients} replication clients work against A`,
        baselineName: 'quiet A',
        rows: [
          {
            measure: 'longest time the status stood still (status stream, as the /sync page follows it)',
            ours: loaded.longestSilenceMs,
            baseline: quiet.longestSilenceMs,
            unit: 'ms',
            better: 'lower',
            target: '≤ 1 s (both)',
            met: loaded.longestSilenceMs <= 1000 && quiet.longestSilenceMs <= 1000,
          },
          {
            measure: 'longest time the status stood still, polled every 20 ms (a second push)',
            ours: polled.longestSilenceMs,
            baseline: quiet.longestSilenceMs,
            unit: 'ms',
            better: 'lower',
          },
          {
            measure: 'full push',
            ours: loaded.ms,
            baseline: quiet.ms,
            unit: 'ms',
            better: 'lower',
          },
        ],
        notes: [
          `Under load: ${loaded.statusUpdates} status updates seen in ${(loaded.ms / 1000).toFixed(1)} s, ${loaded.completedTasks}/${loaded.totalTasks} tasks; quiet: ${quiet.statusUpdates} in ${(quiet.ms / 1000).toFixed(1)} s.`,
          `Under load: POST /api/sync answered in ${loaded.startMs.toFixed(0)} ms (quiet ${quiet.startMs.toFixed(0)} ms); the stream's first status came ${loaded.slowestReadMs.toFixed(0)} ms after the session's id was known (quiet ${quiet.slowestReadMs.toFixed(0)} ms); the longest stillness began ${loaded.silenceAtMs.toFixed(0)} ms after it.`,
          `Polled under load: ${polled.statusUpdates} status updates seen in ${(polled.ms / 1000).toFixed(1)} s; the slowest status read took ${polled.slowestReadMs.toFixed(0)} ms; the longest stillness began ${polled.silenceAtMs.toFixed(0)} ms after the session's id was known.`,
          `The load: ${clients} clients each holding the change stream and looping push one task → pull → pause 0–50 ms; ${traffic.pushes} pushes, ${traffic.pulls} pulls, ${traffic.streamEvents} change events during the run; errors: ${traffic.errors.length}${traffic.errors[0] ? ` (first: ${traffic.errors[0]})` : ''}.`,
          'The status is read from server A; the load runs in a process of its own beside the bench, as the load suite does.',
        ],
      };
      return [table];
    } finally {
      for (const server of servers.reverse()) await server.dispose();
    }
  },
});
