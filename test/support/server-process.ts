// Runs the built server (`apps/server/dist/main.js`) as a real child process, the way a user
// starts it, on a fresh database: a new PostgreSQL database when the run targets Postgres,
// otherwise a temporary embedded-database folder. It can be stopped, killed and restarted on
// the same data and port, for offline and crash scenarios. `useServerProcesses` gives a
// describe block its servers, started before its tests and disposed of after them.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  createTestDatabase,
  testDatabaseKinds,
  type TestDatabase,
} from '../../apps/server/src/testing/test-database.js';
import {
  SERVER_DIST as BUILT_DIST,
  freePort,
  serverEnv,
  spawnServer,
  type ServerChild,
} from '../../apps/server/src/testing/server-process.js';
import type { DatabaseKind } from '../../apps/server/src/db/database.js';
import { blockHandle } from '../../apps/server/src/testing/block-handle.js';
import { fillDataDir } from '../../apps/server/src/testing/pglite-template.js';

// WIKISYNC_SERVER_DIST points at another build (e.g. a deliberately broken one, to show that
// a suite fails when the guarantee it checks is gone).
const SERVER_DIST = process.env.WIKISYNC_SERVER_DIST ?? BUILT_DIST;
const SERVER_ENTRY = join(SERVER_DIST, 'main.js');
const CLI_ENTRY = join(SERVER_DIST, 'cli.js');

export interface ServerProcess {
  url: string;
  port: number;
  kind: DatabaseKind;
  adminToken: string;
  /** Everything the process printed, for assertions on logs. */
  output(): string;
  /** The running process's id, or null while it is stopped. */
  pid(): number | null;
  /** Where its data lives: the Postgres URL, or the embedded database's folder. */
  databaseUrl: string | null;
  dataDir: string | null;
  /**
   * Runs the `wikisync` CLI on this server's database and returns its stdout. Stop the server
   * first on the embedded database, which one process owns at a time.
   */
  cli(...args: string[]): Promise<string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
  dispose(): Promise<void>;
}

/** The database kind for cross-process tests: Postgres when the run targets it. */
export function processDatabaseKind(): DatabaseKind {
  const kinds = testDatabaseKinds();
  return kinds.includes('postgres') && process.env.TEST_DB !== 'pglite' ? 'postgres' : 'pglite';
}

export interface ServerProcessOptions {
  /** Default: `processDatabaseKind()`. */
  kind?: DatabaseKind;
  /** Environment variables on top of the test defaults. */
  env?: Record<string, string>;
  adminToken?: string;
  /**
   * PostgreSQL only: join this existing database instead of creating one, as another server
   * process of the same deployment does. The caller owns it (it is not dropped on dispose).
   */
  databaseUrl?: string;
}

export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const kind = options.kind ?? processDatabaseKind();
  const port = await freePort();
  const adminToken = options.adminToken ?? 'e2e-admin-token';
  let database: TestDatabase | null = null;
  let dataDir: string | null = null;
  const env = serverEnv(port, adminToken, options.env);
  if (kind === 'postgres' && options.databaseUrl) {
    env.DATABASE_URL = options.databaseUrl;
  } else if (kind === 'postgres') {
    database = await createTestDatabase('postgres');
    // The test keeps no connection of its own open, so the server owns the database.
    env.DATABASE_URL = database.url!;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'wikisync-e2e-'));
    // A migrated database to start on, as on a second start: initdb per server is slow.
    await fillDataDir(dataDir);
    env.DATA_DIR = dataDir;
  }

  let child: ServerChild | null = null;
  let log = '';
  const url = `http://127.0.0.1:${port}`;

  const handle: ServerProcess = {
    url,
    port,
    kind,
    adminToken,
    output: () => log,
    pid: () => (child?.running() ? (child.child.pid ?? null) : null),
    databaseUrl: database?.url ?? options.databaseUrl ?? null,
    dataDir,
    cli: (...args) =>
      new Promise<string>((resolve, reject) => {
        execFile(process.execPath, [CLI_ENTRY, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) =>
          error ? reject(new Error(`wikisync ${args.join(' ')} failed: ${stderr}`)) : resolve(stdout),
        );
      }),
    async start() {
      child = await spawnServer({
        args: [SERVER_ENTRY],
        env,
        url,
        onOutput: (text) => (log += text),
      });
    },
    async stop() {
      await signal('SIGTERM');
    },
    async kill() {
      await signal('SIGKILL');
    },
    async dispose() {
      await signal('SIGKILL');
      if (database) await database.dispose();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };

  async function signal(name: NodeJS.Signals) {
    await child?.signal(name);
    child = null;
  }

  if (database) {
    // createTestDatabase opened a pool for migrations; close it so only the server connects.
    await database.db.close();
  }
  await handle.start();
  return handle;
}

const SERVER_PROCESS_KEYS = [
  'url',
  'port',
  'kind',
  'adminToken',
  'output',
  'pid',
  'databaseUrl',
  'dataDir',
  'cli',
  'start',
  'stop',
  'kill',
  'dispose',
] as const satisfies readonly (keyof ServerProcess)[];

/**
 * Registers the hooks that start one server process per entry of `options` for the
 * describe block that calls it, all at once before its tests, and dispose of them after.
 * Each handle reads its running process, so hooks and tests use it as a `ServerProcess`.
 */
export function useServerProcesses<const Options extends readonly ServerProcessOptions[]>(
  ...options: Options
): { [Index in keyof Options]: ServerProcess } {
  let running: ServerProcess[] = [];
  beforeAll(async () => {
    running = await Promise.all(options.map((each) => startServerProcess(each)));
  });
  afterAll(async () => {
    await Promise.all(running.map((each) => each.dispose()));
    running = [];
  });
  const handles = options.map((_, index): ServerProcess =>
    blockHandle(() => running[index], SERVER_PROCESS_KEYS, `server process ${index + 1}`),
  );
  return handles as { [Index in keyof Options]: ServerProcess };
}
