// Server configuration, read from the environment once at start and validated, so that a
// bad value stops the server with a message naming the variable instead of failing later.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { LOG_LEVELS, type LogLevel } from './ops/logger.js';

const portSchema = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const envSchema = z.object({
  PORT: portSchema.default(3000),
  HOST: z.string().min(1, 'must not be empty').optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').optional(),
  ADMIN_TOKEN: z
    .string()
    .min(1, 'must not be empty when set')
    .regex(/^\S+$/, 'must not contain spaces')
    .optional(),
  ADMIN_PASSWORD: z
    .string()
    .min(8, 'must be at least 8 characters')
    .max(200, 'must be at most 200 characters')
    .optional(),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024')
    .default(16 * 1024 * 1024),
  WEB_DIST_DIR: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_PREPARED_STATEMENTS: z.enum(['on', 'off'], { message: 'must be "on" or "off"' }).default('on'),
  TRUST_PROXY: z.enum(['on', 'off'], { message: 'must be "on" or "off"' }).default('off'),
  MAX_STREAMS_PER_USER: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(16),
  OFFLINE_ALL_UP_TO: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .default(20),
  MAX_STREAMS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(1000),
  CONFLICT_LOG_RETENTION_DAYS: z.coerce
    .number({ message: 'must be a number' })
    .positive('must be more than 0')
    .default(90),
  SYNC_RETENTION_DAYS: z.coerce
    .number({ message: 'must be a number' })
    .positive('must be more than 0')
    .default(30),
  SYNC_ALLOW_TOKENLESS_FROM: z
    .string()
    .regex(/^[0-9a-fA-F:.,/\s]+$/, 'must be a comma-separated list of IP addresses or CIDR ranges')
    .optional(),
  SYNC_CORS_ORIGINS: z
    .string()
    .refine(
      (value) =>
        value
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)
          .every((entry) => /^https?:\/\/[^/\s?#]+$/.test(entry)),
      'must be a comma-separated list of origins such as https://wiki.example.com (scheme, host and port; no path)',
    )
    .optional(),
  SYNC_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  SYNC_RETRY_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  SYNC_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  SYNC_MAX_RESPONSE_BYTES: z.coerce
    .number({ message: 'must be a number of bytes' })
    .int()
    .min(1024, 'must be at least 1024')
    .default(64 * 1024 * 1024),
  SYNC_COMPRESSION: z.enum(['auto', 'on', 'off']).default('auto'),
  SYNC_COPY: z.enum(['on', 'off'], { message: 'must be "on" or "off"' }).default('on'),
  SYNC_SCHEDULER: z.enum(['on', 'off']).default('on'),
  SYNC_STALE_SESSION_MS: z.coerce.number().int().min(500).max(3_600_000).default(15_000),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  METRICS_PORT: portSchema.optional(),
});

/** Every environment variable the server reads (`.env.example` lists each with its default). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

export interface Config {
  port: number;
  host: string | undefined;
  /** Real PostgreSQL when set; otherwise the embedded database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  adminToken: string | undefined;
  /** Sets the password of user "admin" at start (created if missing). */
  adminPassword: string | undefined;
  maxBodyBytes: number;
  /** The built web app to serve at `/`, if any. */
  webDistDir: string | undefined;
  databasePoolSize: number;
  /** Prepare repeated statements on PostgreSQL ("off" behind a pooler in transaction mode). */
  databasePreparedStatements: boolean;
  /**
   * Behind a reverse proxy: take the caller's address from the right-most X-Forwarded-For
   * entry (the one the proxy appended) instead of the socket, which is the proxy's.
   */
  trustProxy: boolean;
  /** Open change streams (`GET /api/v1/sync/stream`) allowed per user and per process. */
  maxStreamsPerUser: number;
  maxStreams: number;
  /**
   * A browser keeps every readable repository offline by default while the user has at most
   * this many; above it, none until chosen (sent to clients in the sync status).
   */
  offlineAllUpTo: number;
  /** Conflict-log entries older than this are deleted. */
  conflictLogRetentionDays: number;
  /** Least severe log line printed: fatal, error, warn, info, debug, trace or silent. */
  logLevel: LogLevel;
  /** A second port serving only GET /metrics without a token (for a scraper on a private network). */
  metricsPort: number | undefined;
  /** Instance sync (docs/instance-sync.md). */
  sync: SyncConfig;
}

export interface SyncConfig {
  retentionDays: number;
  /** Addresses (IPs or IPv4 CIDR ranges) allowed to call /api/sync without a token. */
  allowTokenlessFrom: string[];
  /**
   * Origins of openDeepWiki web pages that may list our repositories and documents from the
   * browser (CORS, no token): `repository-list` and `document-list` only.
   */
  corsOrigins: string[];
  /** Key material for encrypting stored target tokens and signing secrets. */
  secretKey: string | undefined;
  retryBaseMs: number;
  requestTimeoutMs: number;
  /** The largest answer read from a peer; larger ones are cut off. */
  maxResponseBytes: number;
  compression: 'auto' | 'on' | 'off';
  /** Offer `copy-upsert` (copy-v1, pg-text-v1, pg-text-tasks-v1) to senders in `ping`; off, they send `batch-upsert` batches. */
  copyTransport: boolean;
  schedulerEnabled: boolean;
  /** A running session not written for this long has lost its server (heartbeat is 0.5 s). */
  staleSessionMs: number;
}

/**
 * The embedded database when DATA_DIR is not set: `apps/server/data`, the same folder for
 * `npm start`, the CLI and `pnpm dev` wherever they are started from (this file is
 * `src/config.ts` or bundled into `dist/*.js`, one level below the package either way).
 */
export function defaultDataDir(): string {
  const url = new URL('../data', import.meta.url);
  // Bundled for a test environment that is not Node's own (jsdom), the module has no file URL.
  return url.protocol === 'file:' ? fileURLToPath(url) : resolve('data');
}

/**
 * Where a relative path in the settings is taken from: the directory the person ran the
 * command in. npm and pnpm run package scripts inside the package's folder, so the process's
 * own cwd is not that: npm and pnpm record it as INIT_CWD, and our launcher keeps npm's
 * (pnpm would overwrite it with its own) as WIKISYNC_START_DIR.
 */
function startDirectory(env: Record<string, string | undefined>): string {
  return env.WIKISYNC_START_DIR || env.INIT_CWD || process.cwd();
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set": `DATABASE_URL= pnpm start` selects the embedded database.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const secret = ['ADMIN_TOKEN', 'ADMIN_PASSWORD', 'DATABASE_URL', 'SYNC_SECRET_KEY'].includes(name);
      const got = secret ? '' : ` (got ${JSON.stringify(present[name])})`;
      return `${name} ${issue.message}${got}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const value = parsed.data;
  return {
    port: value.PORT,
    host: value.HOST,
    databaseUrl: value.DATABASE_URL,
    dataDir:
      value.DATA_DIR === undefined
        ? defaultDataDir()
        : value.DATA_DIR.startsWith('memory://')
          ? value.DATA_DIR
          : resolve(startDirectory(env), value.DATA_DIR),
    adminToken: value.ADMIN_TOKEN,
    adminPassword: value.ADMIN_PASSWORD,
    maxBodyBytes: value.MAX_BODY_BYTES,
    webDistDir: value.WEB_DIST_DIR && resolve(startDirectory(env), value.WEB_DIST_DIR),
    databasePoolSize: value.DATABASE_POOL_SIZE,
    databasePreparedStatements: value.DATABASE_PREPARED_STATEMENTS === 'on',
    trustProxy: value.TRUST_PROXY === 'on',
    maxStreamsPerUser: value.MAX_STREAMS_PER_USER,
    maxStreams: value.MAX_STREAMS,
    offlineAllUpTo: value.OFFLINE_ALL_UP_TO,
    conflictLogRetentionDays: value.CONFLICT_LOG_RETENTION_DAYS,
    logLevel: value.LOG_LEVEL,
    metricsPort: value.METRICS_PORT,
    sync: {
      retentionDays: value.SYNC_RETENTION_DAYS,
      allowTokenlessFrom: (value.SYNC_ALLOW_TOKENLESS_FROM ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
      corsOrigins: (value.SYNC_CORS_ORIGINS ?? '')
        .split(',')
        .map((entry) => entry.trim().replace(/\/+$/, ''))
        .filter(Boolean),
      // Without its own key, stored secrets are sealed with one derived from ADMIN_TOKEN.
      secretKey: value.SYNC_SECRET_KEY ?? value.ADMIN_TOKEN,
      retryBaseMs: value.SYNC_RETRY_BASE_MS,
      requestTimeoutMs: value.SYNC_REQUEST_TIMEOUT_MS,
      maxResponseBytes: value.SYNC_MAX_RESPONSE_BYTES,
      compression: value.SYNC_COMPRESSION,
      copyTransport: value.SYNC_COPY === 'on',
      schedulerEnabled: value.SYNC_SCHEDULER === 'on',
      staleSessionMs: value.SYNC_STALE_SESSION_MS,
    },
  };
}
