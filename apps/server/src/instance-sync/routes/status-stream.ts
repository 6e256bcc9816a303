// `GET /api/sync/status/:sync_id/stream`: a session's status as Server-Sent Events, one
// `status` event each time it moves, the same object as `GET /status/:sync_id`, until the
// session ends (its last event is the end state, then the stream closes).
//
// Why a stream beside the polled status: under load, every poll is a request the server must
// read, route and answer behind everyone else's, and a reader that waits a second for each
// answer sees the status stand still however often it is written. A session run by this
// process is sent as its runner counts (each progress tick, progress-tracker.ts), with no read,
// no request and no commit to wait for per step, and its end as written (session-store.ts);
// one run by another process sharing the database is read on the progress connections every
// `REMOTE_POLL_MS`.
import type { SSEStreamingApi } from 'hono/streaming';
import { INSTANCE_SYNC_STATUS_EVENT, STREAM_HEARTBEAT_MS, type SyncSession } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { getSession, sessionWrites, toStatus } from '../initiator/session-store.js';
import { progressTicks, type ProgressTick } from '../initiator/progress-tracker.js';

/** How often a session run elsewhere is read (its runner writes every 250 ms). */
export const REMOTE_POLL_MS = 250;
/**
 * How long a session run here may be silent before it is read anyway: it can end without an
 * announcement here (cancelled by another process, which writes the end there).
 */
export const LOCAL_CHECK_MS = 1000;

export interface StatusStreamOptions {
  /** The progress connections: reads never wait behind the main pool. */
  db: Queryable;
  session: SyncSession;
  /** Whether this process runs the session now. */
  runsHere: () => boolean;
}

export async function serveStatusStream(
  stream: SSEStreamingApi,
  { db, session, runsHere }: StatusStreamOptions,
): Promise<void> {
  let latest: SyncSession = session;
  let announced = false;
  let wake: () => void = () => {};
  const onEnd = (written: SyncSession) => {
    latest = written;
    announced = true;
    wake();
  };
  const onTick = (tick: ProgressTick) => {
    if (latest.status !== 'in_progress') return;
    latest = { ...latest, ...tick };
    announced = true;
    wake();
  };
  sessionWrites.on(session.id, onEnd);
  progressTicks.on(session.id, onTick);
  stream.onAbort(() => wake());
  let sent = '';
  let lastWrite = Date.now();
  const send = async (current: SyncSession) => {
    const key = `${current.status}|${current.updated_at}`;
    if (key === sent) return;
    sent = key;
    lastWrite = Date.now();
    await stream.writeSSE({ event: INSTANCE_SYNC_STATUS_EVENT, data: JSON.stringify(toStatus(current)) });
  };
  try {
    await send(latest);
    while (!stream.aborted && !stream.closed && latest.status === 'in_progress') {
      if (!announced) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, runsHere() ? LOCAL_CHECK_MS : REMOTE_POLL_MS);
        });
        clearTimeout(timer);
        wake = () => {};
      }
      if (stream.aborted || stream.closed) break;
      if (announced) announced = false;
      else {
        const read = await getSession(db, session.id);
        // Run here, only its end is news: the ticks are ahead of what it wrote.
        if (read.status !== 'in_progress' || !runsHere()) latest = read;
      }
      await send(latest);
      // A comment line keeps proxies from closing a quiet stream (a session between steps).
      if (Date.now() - lastWrite >= STREAM_HEARTBEAT_MS - 1000) {
        lastWrite = Date.now();
        await stream.write(': heartbeat\n\n');
      }
    }
  } finally {
    sessionWrites.off(session.id, onEnd);
    progressTicks.off(session.id, onTick);
  }
}
