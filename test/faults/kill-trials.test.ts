// Crash safety of instance sync: SIGKILL the receiving server, or the initiating one, at a
// random point of a push of 1,000 documents, restart it on the same data, run the same sync
// again, and require that the receiver ends with exactly the source's rows: no duplicate,
// no loss. 10 trials of each in the short variant, more under `pnpm test:soak`
// (KILL_TRIALS=n overrides both).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { processDatabaseKind, useServerProcesses, type ServerProcess } from '../support/server-process.js';
import { recordFigures, repositorySnapshot, seedLarge, sleep, SOAK, waitSession } from './fault-kit.js';
import type { Seeded } from './fault-kit.js';

const TRIALS = Number(process.env.KILL_TRIALS ?? (SOAK ? 25 : 10));
const DOCUMENTS = 1000;
/** A bound, not a budget: a trial takes 3–12 s here, far more on a loaded machine. */
const TIMEOUT_MS = TRIALS * 45_000;

const env = {
  SYNC_SECRET_KEY: 'faults-secret-key-0123456789abcdef',
  SYNC_RETRY_BASE_MS: '10',
  SYNC_REQUEST_TIMEOUT_MS: '5000',
  // A killed initiator leaves its session "in_progress"; after restart it is failed as
  // orphaned once it has been silent this long, so the re-run can start.
  SYNC_STALE_SESSION_MS: '1000',
};

interface Figures {
  trials: number;
  killsMidPush: number;
  killsAfterEnd: number;
  documentsCompared: number;
}

describe('instance sync survives SIGKILL of either server', () => {
  const [a, b] = useServerProcesses({ env }, { env });
  let target: string;
  let pushMs = 1000;
  let killWindowMs = 1000;
  const figures: Record<'receiver' | 'initiator', Figures> = {
    receiver: { trials: 0, killsMidPush: 0, killsAfterEnd: 0, documentsCompared: 0 },
    initiator: { trials: 0, killsMidPush: 0, killsAfterEnd: 0, documentsCompared: 0 },
  };

  beforeAll(async () => {
    target = `${b.url}/api/sync`;
    await api(a.url, a.adminToken, 'POST', '/api/sync/target-save', { url: target, token: b.adminToken });
    // How long a push of this size takes here, to spread the kills over its whole length;
    // the second of two runs, since the first one also warms up both processes.
    for (const name of ['baseline-cold', 'baseline-warm']) {
      const baseline = await seedLarge(a.url, a.adminToken, name, DOCUMENTS);
      const started = Date.now();
      const done = await waitSession(a.url, a.adminToken, await startPush(baseline.repositoryId));
      expect(done.status).toBe('completed');
      pushMs = Date.now() - started;
    }
    killWindowMs = pushMs;
  });
  afterAll(async () => {
    const kind = processDatabaseKind();
    recordFigures(`kill-trials-${kind}`, {
      kind,
      documentsPerTrial: DOCUMENTS,
      pushMs,
      ...figures,
    });
  });

  /** Starts a push, retrying while a session orphaned by a kill still blocks it. */
  async function startPush(repositoryId: number): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        const started = await api<{ sync_id: string }>(a.url, a.adminToken, 'POST', '/api/sync', {
          target_server: target,
          repository_id: repositoryId,
        });
        return started.sync_id;
      } catch (error) {
        if (attempt >= 40) throw error;
        await sleep(250);
      }
    }
  }

  /**
   * Kills `victim` after a random share of the time an uninterrupted push takes (so kills
   * land anywhere from the first batch to the last link), and reports whether the session
   * was still running just before.
   */
  async function killAtRandomPoint(syncId: string, victim: ServerProcess): Promise<boolean> {
    await sleep(Math.random() * 0.9 * killWindowMs);
    const status = await api<{ status: string }>(a.url, a.adminToken, 'GET', `/api/sync/status/${syncId}`);
    await victim.kill();
    const midPush = status.status === 'in_progress';
    // Pushes speed up as the processes warm up; a kill that came too late narrows the window.
    if (!midPush) killWindowMs *= 0.7;
    return midPush;
  }

  async function expectSameRepository(name: string) {
    const source = await repositorySnapshot(a.url, a.adminToken, name);
    const copy = await repositorySnapshot(b.url, b.adminToken, name);
    expect(source.documents).toHaveLength(DOCUMENTS);
    expect(copy.repositories).toBe(1);
    expect(copy.tasks).toEqual(source.tasks);
    expect(copy.documents).toEqual(source.documents);
    return copy.documents.length;
  }

  /** Re-runs the push of `seeded` to its end, checks B holds exactly A's rows, and counts the trial. */
  async function rerunAndCompare(seeded: Seeded, tally: Figures, midPush: boolean) {
    const rerun = await waitSession(a.url, a.adminToken, await startPush(seeded.repositoryId));
    expect(rerun).toMatchObject({ status: 'completed', error: null });
    tally.documentsCompared += await expectSameRepository(seeded.name);
    tally.trials++;
    if (midPush) tally.killsMidPush++;
    else tally.killsAfterEnd++;
  }

  it(
    `receiver killed mid-push ${TRIALS} times: the re-run leaves exactly the source's rows`,
    async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const seeded = await seedLarge(a.url, a.adminToken, `receiver-kill-${trial}`, DOCUMENTS);
        const syncId = await startPush(seeded.repositoryId);
        const midPush = await killAtRandomPoint(syncId, b);
        // With the receiver gone the session must end by itself (retries are bounded).
        const interrupted = await waitSession(a.url, a.adminToken, syncId);
        expect(['failed', 'completed']).toContain(interrupted.status);
        await b.start();
        await rerunAndCompare(seeded, figures.receiver, midPush);
      }
      // The trials only prove something if kills really land during pushes.
      expect(figures.receiver.killsMidPush).toBeGreaterThanOrEqual(TRIALS / 2);
    },
    TIMEOUT_MS,
  );

  it(
    `initiator killed mid-push ${TRIALS} times: the re-run leaves exactly the source's rows`,
    async () => {
      const orphans: string[] = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        const seeded = await seedLarge(a.url, a.adminToken, `initiator-kill-${trial}`, DOCUMENTS);
        const syncId = await startPush(seeded.repositoryId);
        const midPush = await killAtRandomPoint(syncId, a);
        await a.start();
        orphans.push(syncId);
        await rerunAndCompare(seeded, figures.initiator, midPush);
      }
      // The killed runs' sessions must not stay "in progress" for ever: the restarted server
      // fails them as orphans (checked once at the end, so the trials need not wait for it).
      for (const orphan of orphans) {
        expect(['failed', 'completed']).toContain(
          (await waitSession(a.url, a.adminToken, orphan, 30_000)).status,
        );
      }
      expect(figures.initiator.killsMidPush).toBeGreaterThanOrEqual(TRIALS / 2);
    },
    TIMEOUT_MS,
  );
});
