// Starts a push through the initiator's HTTP API and watches its status the way the /sync
// page does, recording how often the status moved.
import { api, type BenchServer } from '../lib/server-process.js';

export interface PushRun {
  /** From POST /api/sync to the first status read that says the session ended. */
  ms: number;
  status: string;
  completedTasks: number;
  totalTasks: number;
  /** The longest time the status's updated_at stood still while the session ran. */
  longestSilenceMs: number;
  statusUpdates: number;
  /** POST /api/sync until it answered with the session's id. */
  startMs: number;
  /** The slowest single status read. */
  slowestReadMs: number;
  /** Where the longest stillness began, in ms after the session's id was known. */
  silenceAtMs: number;
}

interface Status {
  status: string;
  completed_tasks: number;
  total_tasks: number;
  updated_at: string;
  error: string | null;
}

export async function runPush(from: BenchServer, target: string, repositoryId: number): Promise<PushRun> {
  const start = performance.now();
  const started = await api<{ sync_id: string }>(from, 'POST', '/api/sync', {
    target_server: target,
    repository_id: repositoryId,
  });
  // The status can be read once the session's id is known: stillness counts from there.
  const known = performance.now();
  let lastChange = known;
  let lastUpdatedAt = '';
  let longestSilenceMs = 0;
  let silenceAtMs = 0;
  let statusUpdates = 0;
  let slowestReadMs = 0;
  for (;;) {
    const asked = performance.now();
    const status = await api<Status>(from, 'GET', `/api/sync/status/${started.sync_id}`);
    const now = performance.now();
    slowestReadMs = Math.max(slowestReadMs, now - asked);
    if (status.updated_at !== lastUpdatedAt) {
      if (now - lastChange > longestSilenceMs) silenceAtMs = lastChange - known;
      longestSilenceMs = Math.max(longestSilenceMs, now - lastChange);
      lastChange = now;
      lastUpdatedAt = status.updated_at;
      statusUpdates++;
    }
    if (status.status !== 'in_progress') {
      if (now - lastChange > longestSilenceMs) silenceAtMs = lastChange - known;
      longestSilenceMs = Math.max(longestSilenceMs, now - lastChange);
      if (status.status !== 'completed' || status.error)
        throw new Error(`push ended ${status.status}: ${status.error ?? ''}`);
      return {
        ms: now - start,
        status: status.status,
        completedTasks: status.completed_tasks,
        totalTasks: status.total_tasks,
        longestSilenceMs,
        statusUpdates,
        startMs: known - start,
        slowestReadMs,
        silenceAtMs,
      };
    }
    // Polling every 20 ms bounds the error of the end time; each poll is one indexed read.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
