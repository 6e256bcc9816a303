// Runs the saved schedules in this server process: one croner job per enabled schedule,
// rebuilt when schedules change here and every minute (for changes made by the CLI or
// another process). Overlap is prevented where sessions are created, so a run that comes due
// while the previous one still runs is skipped, not queued.
import { Cron } from 'croner';
import type { SyncSchedule } from '@wikisync/shared';
import type { Database } from '../../db/database.js';
import { AppError, ConflictError } from '../../errors.js';
import { claimRun, listSchedules, recordRun } from './schedule-store.js';
import type { Initiator } from '../initiator/initiator.js';
import { importingCaller } from '../receiver/local-import.js';
import { processLogger } from '../../ops/logger.js';

export class Scheduler {
  private jobs = new Map<number, { cron: string; job: Cron }>();
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly initiator: Initiator,
  ) {}

  async reload(): Promise<void> {
    if (this.stopped) return;
    const schedules = (await listSchedules(this.db)).filter((schedule) => schedule.enabled);
    const wanted = new Map(schedules.map((schedule) => [schedule.id, schedule]));
    for (const [id, entry] of this.jobs) {
      if (wanted.get(id)?.cron !== entry.cron) {
        entry.job.stop();
        this.jobs.delete(id);
      }
    }
    for (const schedule of schedules) {
      if (this.jobs.has(schedule.id)) continue;
      const job = new Cron(schedule.cron, { unref: true, protect: true, catch: true }, async () => {
        await this.fire(schedule.id);
      });
      this.jobs.set(schedule.id, { cron: schedule.cron, job });
    }
  }

  /** Starts one run of a schedule now (also used by `wikisync schedule run`). */
  async fire(id: number): Promise<string | null> {
    if (this.stopped) return null;
    const schedule = (await listSchedules(this.db)).find((each) => each.id === id);
    if (!schedule || !(await claimRun(this.db, id))) return null;
    return this.start(schedule);
  }

  private async start(schedule: SyncSchedule): Promise<string | null> {
    const options = {
      target: { id: schedule.target_id },
      repositoryId: schedule.repository_id,
      documentIds: null,
      clear: schedule.clear,
      kind: 'scheduled' as const,
      caller: importingCaller('scheduler', `schedule ${schedule.id}`),
    };
    try {
      const started =
        schedule.direction === 'push'
          ? await this.initiator.startPush(options)
          : await this.initiator.startPull(options);
      await recordRun(this.db, schedule.id, started.sync_id);
      return started.sync_id;
    } catch (error) {
      // The previous run is still going: skipping keeps runs from overlapping.
      if (error instanceof ConflictError) return null;
      const message = error instanceof AppError ? error.message : String(error);
      processLogger().error({ schedule_id: schedule.id }, `schedule could not start: ${message}`);
      return null;
    }
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.jobs.values()) entry.job.stop();
    this.jobs.clear();
  }
}
