// The built server (`apps/server/dist/main.js`) as a child process on a fresh bench database,
// started the way a user starts it, so its peak RSS can be read from /proc. Spawning and the
// health wait are the server testing kit's, which (unlike test/support) does not need vitest.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  SERVER_DIST,
  freePort,
  serverEnv,
  spawnServer,
} from '../../apps/server/src/testing/server-process.js';
import { createBenchDatabase, type BenchDatabase } from './bench-database.js';
import { currentRssMiB, peakRssMiB } from './memory.js';

// BENCH_SERVER_ENTRY runs the suites against another build of the server (A/B comparisons).
const SERVER_ENTRY = process.env.BENCH_SERVER_ENTRY ?? join(SERVER_DIST, 'main.js');

export interface BenchServer {
  name: string;
  url: string;
  adminToken: string;
  database: BenchDatabase;
  pid: number;
  /** VmHWM of the process so far (MiB). */
  peakRss(): number | null;
  /** Current VmRSS (MiB). */
  rss(): number | null;
  output(): string;
  dispose(): Promise<void>;
}

export async function startBenchServer(
  name: string,
  env: Record<string, string> = {},
  /** Extra node flags, e.g. --cpu-prof when looking for where the time goes. */
  nodeArgs: string[] = [],
): Promise<BenchServer> {
  if (!existsSync(SERVER_ENTRY))
    throw new Error(`${SERVER_ENTRY} is missing: run \`node scripts/pnpm.mjs run build\` first.`);
  const database = await createBenchDatabase(name);
  const port = await freePort();
  const adminToken = `bench-admin-token-${name}`;
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const server = await spawnServer({
    args: [...nodeArgs, SERVER_ENTRY],
    env: serverEnv(port, adminToken, { DATABASE_URL: database.url, SYNC_SCHEDULER: 'off', ...env }),
    url,
    onOutput: (text) => (log += text),
    label: `server ${name}`,
  });
  const pid = server.child.pid!;
  return {
    name,
    url,
    adminToken,
    database,
    pid,
    peakRss: () => peakRssMiB(pid),
    rss: () => currentRssMiB(pid),
    output: () => log,
    async dispose() {
      await server.signal('SIGKILL');
      await database.drop();
    },
  };
}

/** `fetch` with the bearer token, JSON in and out; throws on a non-2xx answer. */
export async function api<T = unknown>(
  server: BenchServer,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  const json = JSON.parse(text) as { data?: T };
  return (json.data ?? json) as T;
}
