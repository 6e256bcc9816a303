// The initiator: starts pushes and pulls as background sessions in this server process and
// answers at once; the session's row in sync_sessions is the truth about its progress.
import type { SyncCapabilities, SyncStartResponse } from '@wikisync/shared';
import type { Database } from '../../db/database.js';
import type { SyncConfig } from '../../config.js';
import { ForbiddenError } from '../../errors.js';
import { SyncCancelledError } from '../../errors.js';
import { createPeerClient, type PeerClient } from './peer-client.js';
import { ProgressTracker } from './progress-tracker.js';
import { createSession, finishSession, getSession } from './session-store.js';
import { readCheckpoint, saveCheckpoint } from './checkpoint-store.js';
import { planPush, type PushPlan } from './push/push-plan.js';
import { runPush } from './push/push-runner.js';
import { runPull } from './pull/pull-runner.js';
import { importingCaller } from '../receiver/local-import.js';
import {
  rememberInstanceUid,
  requireTargetById,
  requireTargetByUrl,
  type TargetWithSecrets,
} from './target-store.js';
import { instanceUid } from '../peer-auth/instance-identity.js';
import type { SecretBox } from '../peer-auth/secret-box.js';
import { requireRepository, requireScope, type SyncCaller } from '../peer-auth/sync-caller.js';
import { processLogger } from '../../ops/logger.js';

export interface StartOptions {
  target: { url: string } | { id: number };
  repositoryId: number;
  documentIds: number[] | null;
  clear: boolean;
  kind: 'manual' | 'scheduled';
  caller: SyncCaller;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
  abandoned: boolean;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

export class Initiator {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly db: Database,
    private readonly config: SyncConfig,
    private readonly box: SecretBox,
  ) {}

  runningIds(): ReadonlySet<string> {
    return new Set(this.running.keys());
  }

  /** Whether this process runs the session now. */
  runs(sessionId: string): boolean {
    return this.running.has(sessionId);
  }

  private async target(target: StartOptions['target']): Promise<TargetWithSecrets> {
    return 'url' in target
      ? requireTargetByUrl(this.db, this.box, target.url)
      : requireTargetById(this.db, this.box, target.id);
  }

  private async client(
    target: TargetWithSecrets,
    signal: AbortSignal,
    compress = false,
    deadlineMs?: number,
  ): Promise<PeerClient> {
    return createPeerClient({
      baseUrl: target.url,
      token: target.token,
      signingSecret: target.signingSecret,
      instanceUid: await instanceUid(this.db),
      timeoutMs: this.config.requestTimeoutMs,
      retryBaseMs: this.config.retryBaseMs,
      maxResponseBytes: this.config.maxResponseBytes,
      compressAbove: compress ? 16 * 1024 : undefined,
      acceptCompressed: this.compressesTo(target),
      ...(deadlineMs !== undefined ? { deadlineMs } : {}),
      signal,
    });
  }

  /**
   * A client for one-off calls (remote lists) to a saved target. Someone waits on the page for
   * these, so the whole call, retries included, ends within one request timeout.
   */
  async clientFor(targetId: number): Promise<PeerClient> {
    const target = await this.target({ id: targetId });
    return this.client(target, new AbortController().signal, false, this.config.requestTimeoutMs);
  }

  /**
   * Whether bytes to and from `target` are worth compressing (SYNC_COMPRESSION): on loopback
   * the CPU spent compressing costs more than the bytes saved, the answers' too (a full push's
   * answers, ~1 MiB of outcomes, were gzipped by the receiver and gunzipped here).
   */
  private compressesTo(target: TargetWithSecrets): boolean {
    if (this.config.compression === 'off') return false;
    return this.config.compression === 'on' || !LOOPBACK.test(new URL(target.url).hostname);
  }

  private wantsCompression(target: TargetWithSecrets, capabilities: SyncCapabilities | undefined): boolean {
    return (capabilities?.compression.includes('gzip') ?? false) && this.compressesTo(target);
  }

  private async ping(target: TargetWithSecrets, signal: AbortSignal) {
    const client = await this.client(target, signal);
    const ping = await client.call('ping');
    await rememberInstanceUid(this.db, target.id, ping?.instance_uid);
    const capabilities = ping?.capabilities;
    return {
      capabilities,
      instanceUid: ping?.instance_uid,
      // The peer's key as a source; the same for a pull from it and a push to it.
      peerKey: ping?.instance_uid ? `instance:${ping.instance_uid}` : `target:${target.url}`,
      client: this.wantsCompression(target, capabilities) ? await this.client(target, signal, true) : client,
    };
  }

  async startPush(options: StartOptions): Promise<SyncStartResponse> {
    requireScope(options.caller, 'initiate');
    requireRepository(options.caller, options.repositoryId);
    const selected = options.documentIds !== null && options.documentIds.length > 0;
    // The plan's first reads (the repository, the version this push reaches) need no target:
    // they go out while the target is looked up, and the checkpoint once it is known.
    const finding = this.target(options.target);
    const planning = planPush(this.db, options.repositoryId, {
      since:
        options.clear || selected
          ? 0
          : finding.then((target) => readCheckpoint(this.db, target.id, 'push', options.repositoryId)),
      documentIds: options.documentIds,
    });
    planning.catch(() => {});
    const target = await finding;
    // The target is asked for its capabilities while the push is planned, not after: a re-push
    // of a few edits is a handful of round trips, and this was one of them. The answer (or its
    // failure) is read by the session's work; the ask is cancelled with the session, or when
    // the push cannot start.
    const asking = new AbortController();
    const pinged = this.ping(target, asking.signal);
    pinged.catch(() => {});
    let plan: PushPlan;
    let sessionId: string;
    try {
      plan = await planning;
      sessionId = await this.createPushSession(options, target, plan);
    } catch (error) {
      asking.abort();
      throw error;
    }
    this.execute(sessionId, plan.units, async (tracker, signal) => {
      tracker.meta.incremental = plan.incremental;
      if (signal.aborted) asking.abort();
      else signal.addEventListener('abort', () => asking.abort(), { once: true });
      const { client, capabilities, peerKey } = await pinged;
      const result = await runPush({
        db: this.db,
        client,
        tracker,
        signal,
        targetId: target.id,
        peerKey,
        plan,
        clear: options.clear,
        capabilities,
      });
      return {
        failures: result.failures,
        onSuccess: selected
          ? undefined
          : () => saveCheckpoint(this.db, target.id, 'push', options.repositoryId, plan.version, sessionId),
      };
    });
    return {
      sync_id: sessionId,
      repository_id: options.repositoryId,
      total_tasks: plan.units,
      status: 'in_progress',
    };
  }

  private createPushSession(
    options: StartOptions,
    target: TargetWithSecrets,
    plan: PushPlan,
  ): Promise<string> {
    return createSession(this.db, {
      kind: options.kind,
      direction: 'push',
      targetId: target.id,
      peer: target.url,
      repositoryId: options.repositoryId,
      remoteRepositoryId: null,
      repositoryName: String(plan.repository.name),
      documentIds: options.documentIds,
      clear: options.clear,
      startedBy: options.caller.name,
      totalTasks: plan.units,
    });
  }

  async startPull(options: StartOptions): Promise<SyncStartResponse> {
    requireScope(options.caller, 'initiate');
    if (options.caller.repositoryIds !== null) {
      throw new ForbiddenError(
        'A token scoped to repositories may not pull (the local repository is not known yet); use an unscoped token.',
      );
    }
    const target = await this.target(options.target);
    const sessionId = await createSession(this.db, {
      kind: options.kind,
      direction: 'pull',
      targetId: target.id,
      peer: target.url,
      repositoryId: null,
      remoteRepositoryId: options.repositoryId,
      repositoryName: '',
      documentIds: options.documentIds,
      clear: options.clear,
      startedBy: options.caller.name,
      totalTasks: 0,
    });
    this.execute(sessionId, undefined, async (tracker, signal) => {
      const { client, capabilities, peerKey } = await this.ping(target, signal);
      const since = await readCheckpoint(this.db, target.id, 'pull', options.repositoryId);
      const result = await runPull({
        db: this.db,
        client,
        tracker,
        signal,
        caller: importingCaller(peerKey, options.caller.name),
        remoteRepositoryId: options.repositoryId,
        documentIds: options.documentIds,
        clear: options.clear,
        since,
        capabilities,
      });
      const checkpoint = result.checkpoint;
      return {
        failures: result.failures,
        onSuccess:
          checkpoint === undefined
            ? undefined
            : () => saveCheckpoint(this.db, target.id, 'pull', options.repositoryId, checkpoint, sessionId),
      };
    });
    return { sync_id: sessionId, repository_id: options.repositoryId, total_tasks: 0, status: 'in_progress' };
  }

  private execute(
    sessionId: string,
    totalTasks: number | undefined,
    work: (
      tracker: ProgressTracker,
      signal: AbortSignal,
    ) => Promise<{ failures: number; onSuccess: (() => Promise<void>) | undefined }>,
  ): void {
    const controller = new AbortController();
    const entry: Running = { controller, done: Promise.resolve(), abandoned: false };
    const tracker = new ProgressTracker(this.db, sessionId, totalTasks, () => controller.abort());
    entry.done = (async () => {
      tracker.start();
      try {
        const result = await work(tracker, controller.signal);
        if (result.failures === 0) {
          // The last progress and the checkpoint do not wait for each other; the session ends
          // once both are in.
          await Promise.all([tracker.flush(), result.onSuccess?.()]);
          await finishSession(this.db, sessionId, 'completed', null);
        } else {
          await tracker.flush();
          await finishSession(
            this.db,
            sessionId,
            'completed',
            `${result.failures} row(s) failed and were skipped; see the items. The next sync sends them again.`,
          );
        }
      } catch (error) {
        if (entry.abandoned) return;
        await tracker.flush().catch(() => {});
        if (error instanceof SyncCancelledError || controller.signal.aborted) {
          await finishSession(this.db, sessionId, 'cancelled', 'Cancelled by an operator.');
        } else {
          await finishSession(this.db, sessionId, 'failed', (error as Error).message ?? String(error));
        }
      } finally {
        tracker.stop();
        this.running.delete(sessionId);
      }
    })().catch((error: unknown) => {
      processLogger().error({ err: error, sync_id: sessionId }, 'sync session could not record its end');
    });
    this.running.set(sessionId, entry);
  }

  /** Stops a running session cleanly; one running elsewhere stops at its next progress write. */
  async cancel(sessionId: string): Promise<void> {
    const session = await getSession(this.db, sessionId);
    if (session.status !== 'in_progress') return;
    const entry = this.running.get(sessionId);
    if (entry) {
      entry.controller.abort();
      await Promise.race([entry.done, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      return;
    }
    await finishSession(this.db, sessionId, 'cancelled', 'Cancelled by an operator.');
  }

  /** Waits for a session started here to end (CLI, tests). */
  async waitFor(sessionId: string): Promise<void> {
    await this.running.get(sessionId)?.done;
  }

  /**
   * Stops every session. `abandon` leaves them as a crash would (in_progress, for the next
   * start to find); otherwise they end as failed with a message saying why.
   */
  async stop(abandon = false): Promise<void> {
    const entries = [...this.running.entries()];
    for (const [sessionId, entry] of entries) {
      entry.abandoned = abandon;
      entry.controller.abort();
      if (!abandon)
        await finishSession(
          this.db,
          sessionId,
          'failed',
          'The server was stopped while this sync ran; start it again.',
        ).catch(() => {});
    }
    await Promise.all(entries.map(([, entry]) => entry.done));
  }
}
