// A running session's counters and item records, kept in memory and written to the database
// every quarter second (and at the end), so `GET /status/:sync_id` moves at least once a
// second and the write doubles as the heartbeat that tells a restarted server the runner is
// alive. The writes go to the database's progress connections: under load the main pool is
// queued with batch and replication work, and a status written there stood still for seconds.
// A quarter second leaves room for a busy event loop: a reader sees the status move within
// one tick plus however late the loop answers it (bench `instance-sync-load`).
//
// Each tick is also announced in this process as it is taken (`progressTicks`), before its
// write: the status stream of a session run here sends the runner's own counters, without
// waiting for a commit that a loaded database may take half a second to make.
import { EventEmitter } from 'node:events';
import type { RowResult, SyncSession } from '@wikisync/shared';
import type { Database } from '../../db/database.js';
import { writeProgress, type SessionProgress } from './session-store.js';
import { addItems, type ItemRecord } from './session-items.js';

/** What a tick of a running session says, by session id. */
export type ProgressTick = Pick<
  SyncSession,
  'completed_tasks' | 'failed_tasks' | 'current_task' | 'counts' | 'updated_at'
> &
  Partial<Pick<SyncSession, 'total_tasks' | 'repository_id' | 'remote_repository_id' | 'repository_name'>>;

export const progressTicks = new EventEmitter().setMaxListeners(0);

export const HEARTBEAT_MS = 250;

export class ProgressTracker {
  totalTasks: number | undefined;
  completedTasks = 0;
  failedTasks = 0;
  currentTask = 'Connecting to the peer';
  readonly counts = { total: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 };
  meta: Partial<
    Pick<
      SessionProgress,
      'repository_id' | 'remote_repository_id' | 'repository_name' | 'transport' | 'incremental'
    >
  > = {};
  private pending: ItemRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private countersWriting: Promise<void> = Promise.resolve();
  private itemsWriting: Promise<void> = Promise.resolve();
  /** A write waits in the queue: it takes the values as they are when it starts. */
  private countersQueued = false;
  private itemsQueued = false;

  constructor(
    private readonly db: Database,
    private readonly sessionId: string,
    totalTasks?: number,
    /** Called when the database says the session stopped running (cancelled elsewhere). */
    private readonly onStopped: () => void = () => {},
  ) {
    this.totalTasks = totalTasks;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => {}), HEARTBEAT_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  record(item: ItemRecord): void {
    this.pending.push(item);
    if (item.entity === 'repository') return;
    this.counts.total++;
    const key: Exclude<RowResult, 'skipped'> | null = item.status === 'skipped' ? null : item.status;
    if (key) this.counts[key]++;
  }

  /** The counters as they are now, stamped now. */
  private tick(): ProgressTick & SessionProgress {
    return {
      ...(this.totalTasks !== undefined ? { total_tasks: this.totalTasks } : {}),
      completed_tasks: this.completedTasks,
      failed_tasks: this.failedTasks,
      current_task: this.currentTask,
      counts: { ...this.counts },
      ...this.meta,
      updated_at: new Date().toISOString(),
    };
  }

  /**
   * Announces the counters and writes them and the buffered items. Counters and items are two
   * queues of their own: a tick's counters never wait for the previous tick's thousands of
   * items. Each queue holds at most one write waiting, which takes the values as they are when
   * it starts, so a slow database is never behind by more than one write. A failed write does
   * not stop the next: the next tick writes the counters as they are then, and items that
   * failed go again with it. Resolves once everything recorded before the call is written.
   */
  flush(): Promise<void> {
    progressTicks.emit(this.sessionId, this.tick());
    if (!this.countersQueued) {
      this.countersQueued = true;
      this.countersWriting = this.countersWriting
        .catch(() => {})
        .then(async () => {
          this.countersQueued = false;
          // On the progress connections, never behind the batch work's queries.
          const { updated_at: _stamped, ...progress } = this.tick();
          if (!(await writeProgress(this.db.progress, this.sessionId, progress))) this.onStopped();
        });
    }
    if (this.pending.length > 0 && !this.itemsQueued) {
      this.itemsQueued = true;
      this.itemsWriting = this.itemsWriting
        .catch(() => {})
        .then(async () => {
          this.itemsQueued = false;
          const items = this.pending;
          this.pending = [];
          await addItems(this.db.progress, this.sessionId, items).catch((error: unknown) => {
            // Kept for the next write: an item record is the only trace of a row's outcome.
            this.pending = [...items, ...this.pending];
            throw error;
          });
        });
    }
    return Promise.all([this.countersWriting, this.itemsWriting]).then(() => {});
  }
}
