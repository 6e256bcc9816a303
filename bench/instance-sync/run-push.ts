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
  let lastChange = start;
  let lastUpdatedAt = '';
  let longestSilenceMs = 0;
  let statusUpdates = 0;
  for (;;) {
    const status = await api<Status>(from, 'GET', `/api/sync/status/${started.sync_id}`);
    const now = performance.now();
    if (status.updated_at !== lastUpdatedAt) {
      longestSilenceMs = Math.max(longestSilenceMs, now - lastChange);
      lastChange = now;
      lastUpdatedAt = status.updated_at;
      statusUpdates++;
    }
    if (status.status !== 'in_progress') {
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
      };
    }
    // Polling every 20 ms bounds the error of the end time; each poll is one indexed read.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
