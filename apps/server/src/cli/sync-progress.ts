// The progress of a push or pull started from the command line, on stderr. On a terminal a
// bar is redrawn in place four times a second; elsewhere (a log file, CI, a pipe) carriage
// returns would pile up into one endless line, so a plain line is printed every few seconds.
import type { Database } from '../db/database.js';
import type { Initiator } from '../instance-sync/initiator/initiator.js';
import { getSession, toStatus } from '../instance-sync/initiator/session-store.js';

const TERMINAL_REDRAW_MS = 250;
const LOG_LINE_MS = 5_000;

function bar(percent: number, width = 30): string {
  const filled = Math.round((Math.min(100, percent) / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(percent)).padStart(3)}%`;
}

/** Shows progress until the session ends; true when it completed with no failed row. */
export async function watchSession(db: Database, initiator: Initiator, sessionId: string): Promise<boolean> {
  const terminal = process.stderr.isTTY === true;
  const draw = async () => {
    const status = toStatus(await getSession(db, sessionId));
    const line = `${bar(status.progress)} (${status.completed_tasks}/${status.total_tasks}) ${status.current_task}`;
    if (terminal) process.stderr.write(`\r${line.slice(0, 120).padEnd(120)}`);
    else process.stderr.write(`${line}\n`);
  };
  const timer = setInterval(() => void draw().catch(() => {}), terminal ? TERMINAL_REDRAW_MS : LOG_LINE_MS);
  await initiator.waitFor(sessionId);
  clearInterval(timer);
  await draw();
  if (terminal) process.stderr.write('\n');
  const session = await getSession(db, sessionId);
  const { counts } = session;
  console.log(
    `${session.direction} ${session.status}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.deleted} deleted, ${counts.failed} failed (session ${session.id})`,
  );
  if (session.error) console.error(session.error);
  return session.status === 'completed' && counts.failed === 0;
}
