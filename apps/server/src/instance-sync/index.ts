// Instance sync as one unit the app mounts at /api/sync: auth, the peer (receiver/source)
// endpoints, the initiator endpoints, and the background work (scheduler, the sweep that
// fails sessions whose server died, retention of old sessions and nonces).
import { Hono } from 'hono';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import type { SyncEnv } from './peer-auth/sync-caller.js';
import { peerAuth } from './peer-auth/peer-auth.js';
import type { AuthFailureLimiter } from '../http/auth-failure-limiter.js';
import { browserListCors } from './peer-auth/browser-origins.js';
import { peerRoutes } from './routes/peer-routes.js';
import { initiatorRoutes } from './routes/initiator-routes.js';
import { Initiator } from './initiator/initiator.js';
import { Scheduler } from './schedules/scheduler.js';
import { createSecretBox, type SecretBox } from './peer-auth/secret-box.js';
import { failOrphanedSessions, purgeOldSessions } from './initiator/session-store.js';
import { purgeOldNonces } from './peer-auth/nonce-store.js';

const SWEEP_MS = 5_000;

export interface InstanceSyncOptions {
  db: Database;
  config: Config;
  admin: { token: string; principal: Principal } | undefined;
  /** The app's failed-authentication limiter, shared with /api. */
  limiter?: AuthFailureLimiter;
}

export interface InstanceSync {
  routes: Hono<SyncEnv>;
  initiator: Initiator;
  scheduler: Scheduler | undefined;
  box: SecretBox;
  start(): Promise<void>;
  stop(options?: { abandon?: boolean }): Promise<void>;
}

export function secretBoxFor(config: Config): SecretBox {
  return createSecretBox(config.sync.secretKey ?? config.adminToken);
}

export function createInstanceSync({ db, config, admin, limiter }: InstanceSyncOptions): InstanceSync {
  const staleSessionMs = config.sync.staleSessionMs;
  const box = secretBoxFor(config);
  const initiator = new Initiator(db, config.sync, box);
  const scheduler = config.sync.schedulerEnabled ? new Scheduler(db, initiator) : undefined;
  const routes = new Hono<SyncEnv>();
  routes.use('*', browserListCors(config.sync.corsOrigins));
  routes.use(
    '*',
    peerAuth({
      db,
      box,
      admin,
      allowTokenlessFrom: config.sync.allowTokenlessFrom,
      corsOrigins: config.sync.corsOrigins,
      // The body limit is applied there, after the token check: an unauthenticated request
      // costs no buffering (Hono's bodyLimit reads a chunked body whole before going on).
      maxBodyBytes: config.maxBodyBytes,
      limiter,
      trustProxy: config.trustProxy,
    }),
  );
  routes.route('/', peerRoutes({ db, maxBodyBytes: config.maxBodyBytes, copy: config.sync.copyTransport }));
  routes.route('/', initiatorRoutes({ db, box, initiator, scheduler, maxBodyBytes: config.maxBodyBytes }));

  let timer: NodeJS.Timeout | undefined;
  let ticks = 0;
  const sweep = async () => {
    ticks++;
    await failOrphanedSessions(db, initiator.runningIds(), staleSessionMs);
    if (ticks % 12 === 0) {
      await purgeOldNonces(db);
      await scheduler?.reload();
    }
    if (ticks % 720 === 0) await purgeOldSessions(db, config.sync.retentionDays);
  };

  return {
    routes,
    initiator,
    scheduler,
    box,
    async start() {
      // The embedded database belongs to one process, so at start nothing else can be running.
      await failOrphanedSessions(db, initiator.runningIds(), db.kind === 'pglite' ? 0 : staleSessionMs);
      await purgeOldSessions(db, config.sync.retentionDays);
      await purgeOldNonces(db);
      await scheduler?.reload();
      timer = setInterval(() => void sweep().catch(() => {}), SWEEP_MS);
      timer.unref();
    },
    async stop({ abandon = false } = {}) {
      if (timer) clearInterval(timer);
      scheduler?.stop();
      await initiator.stop(abandon);
    },
  };
}

const registry = new WeakMap<object, InstanceSync>();

/** Remembers the instance sync of an app, so tests, the CLI and shutdown can reach it. */
export function registerInstanceSync(app: object, instanceSync: InstanceSync): void {
  registry.set(app, instanceSync);
}

export function instanceSyncOf(app: object): InstanceSync | undefined {
  return registry.get(app);
}
