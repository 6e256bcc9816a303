// Starts a push through the initiator's HTTP API and watches its status, recording how often
// the status moved: through the status stream, the way the /sync page follows a session, or
// by polling `GET /status/:sync_id` every 20 ms, the way a script or an openDeepWiki page does.
import { INSTANCE_SYNC_STATUS_EVENT } from '../../packages/shared/src/instance-sync/instance-sync-status.js';
import { createSseParser } from '../../apps/web/src/sync/sse-parser.js';
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
  /** The slowest single status read (polling), or the longest wait for the stream's first event. */
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

export type StatusWatch = 'stream' | 'poll';

export async function runPush(
  from: BenchServer,
  target: string,
  repositoryId: number,
  watch: StatusWatch = 'stream',
): Promise<PushRun> {
  const start = performance.now();
  const started = await api<{ sync_id: string }>(from, 'POST', '/api/sync', {
    target_server: target,
    repository_id: repositoryId,
  });
  // The status can be read once the session's id is known: stillness counts from there.
  const known = performance.now();
  return watch === 'stream'
    ? streamStatus(from, started.sync_id, start, known)
    : pollStatus(from, started.sync_id, start, known);
}

/** Tracks when the status moved and when it stood still longest; the run once it ended. */
function watcher(start: number, known: number) {
  let lastChange = known;
  let lastUpdatedAt = '';
  let longestSilenceMs = 0;
  let silenceAtMs = 0;
  let statusUpdates = 0;
  const stillUntil = (now: number) => {
    if (now - lastChange <= longestSilenceMs) return;
    silenceAtMs = lastChange - known;
    longestSilenceMs = now - lastChange;
  };
  return {
    /** A status read or received at `now`: the run if the session ended, else null. */
    seen(status: Status, now: number, slowestReadMs: number): PushRun | null {
      if (status.updated_at !== lastUpdatedAt) {
        stillUntil(now);
        lastChange = now;
        lastUpdatedAt = status.updated_at;
        statusUpdates++;
      }
      if (!ended(status)) return null;
      stillUntil(now);
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
    },
  };
}

function ended(status: Status): boolean {
  if (status.status === 'in_progress') return false;
  if (status.status !== 'completed' || status.error)
    throw new Error(`push ended ${status.status}: ${status.error ?? ''}`);
  return true;
}

async function streamStatus(
  from: BenchServer,
  syncId: string,
  start: number,
  known: number,
): Promise<PushRun> {
  const response = await fetch(`${from.url}/api/sync/status/${syncId}/stream`, {
    headers: { authorization: `Bearer ${from.adminToken}`, accept: 'text/event-stream' },
  });
  if (!response.ok || !response.body) throw new Error(`the status stream answered ${response.status}`);
  const watched = watcher(start, known);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = createSseParser();
  let firstEventMs: number | null = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the status stream closed before the session ended');
      const now = performance.now();
      for (const message of parser.push(value).messages) {
        if (message.event !== INSTANCE_SYNC_STATUS_EVENT) continue;
        firstEventMs ??= now - known;
        const run = watched.seen(JSON.parse(message.data) as Status, now, firstEventMs);
        if (run) return run;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

async function pollStatus(from: BenchServer, syncId: string, start: number, known: number): Promise<PushRun> {
  const watched = watcher(start, known);
  let slowestReadMs = 0;
  for (;;) {
    const asked = performance.now();
    const status = await api<Status>(from, 'GET', `/api/sync/status/${syncId}`);
    const now = performance.now();
    slowestReadMs = Math.max(slowestReadMs, now - asked);
    const run = watched.seen(status, now, slowestReadMs);
    if (run) return run;
    // Polling every 20 ms bounds the error of the end time; each poll is one indexed read.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
