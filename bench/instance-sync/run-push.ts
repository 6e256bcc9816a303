// Starts a push through the initiator's HTTP API and watches its status, recording how often
// the status moved: through the status stream, the way the /sync page follows a session, or
// by polling `GET /status/:sync_id` every 20 ms, the way a script or an openDeepWiki page does.
import { INSTANCE_SYNC_STATUS_EVENT } from '../../packages/shared/src/instance-sync/instance-sync-status.js';
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

/** Tracks when the status moved and when it stood still longest. */
function stillness(known: number) {
  let lastChange = known;
  let lastUpdatedAt = '';
  const run = { longestSilenceMs: 0, silenceAtMs: 0, statusUpdates: 0 };
  return {
    run,
    /** The session ended at `now`: the time since the last move was stillness too. */
    end(now: number) {
      if (now - lastChange > run.longestSilenceMs) {
        run.silenceAtMs = lastChange - known;
        run.longestSilenceMs = now - lastChange;
      }
    },
    seen(status: Status, now: number) {
      if (status.updated_at !== lastUpdatedAt) {
        if (now - lastChange > run.longestSilenceMs) {
          run.silenceAtMs = lastChange - known;
          run.longestSilenceMs = now - lastChange;
        }
        lastChange = now;
        lastUpdatedAt = status.updated_at;
        run.statusUpdates++;
      }
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
  const watched = stillness(known);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let firstEventMs: number | null = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the status stream closed before the session ended');
      const now = performance.now();
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        if (!lines.includes(`event: ${INSTANCE_SYNC_STATUS_EVENT}`)) continue;
        const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));
        const status = JSON.parse(data.join('\n')) as Status;
        firstEventMs ??= now - known;
        watched.seen(status, now);
        if (ended(status)) {
          watched.end(now);
          return {
            ms: now - start,
            status: status.status,
            completedTasks: status.completed_tasks,
            totalTasks: status.total_tasks,
            ...watched.run,
            startMs: known - start,
            slowestReadMs: firstEventMs,
          };
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

async function pollStatus(from: BenchServer, syncId: string, start: number, known: number): Promise<PushRun> {
  const watched = stillness(known);
  let slowestReadMs = 0;
  for (;;) {
    const asked = performance.now();
    const status = await api<Status>(from, 'GET', `/api/sync/status/${syncId}`);
    const now = performance.now();
    slowestReadMs = Math.max(slowestReadMs, now - asked);
    watched.seen(status, now);
    if (ended(status)) {
      watched.end(now);
      return {
        ms: now - start,
        status: status.status,
        completedTasks: status.completed_tasks,
        totalTasks: status.total_tasks,
        ...watched.run,
        startMs: known - start,
        slowestReadMs,
      };
    }
    // Polling every 20 ms bounds the error of the end time; each poll is one indexed read.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
