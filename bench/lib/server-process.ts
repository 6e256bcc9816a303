// The built server (`apps/server/dist/main.js`) as a child process on a fresh bench database,
// started the way a user starts it, so its peak RSS can be read from /proc. The approach is
// test/support/server-process.ts's; that file is not imported because it pulls in vitest.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, type BenchDatabase } from './bench-database.js';
import { currentRssMiB, peakRssMiB } from './memory.js';

const SERVER_ENTRY = fileURLToPath(new URL('../../apps/server/dist/main.js', import.meta.url));

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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
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
  const childEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_TOKEN: adminToken,
    DATABASE_URL: database.url,
    SYNC_SCHEDULER: 'off',
    ...env,
  };
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, SERVER_ENTRY], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server ${name} exited with ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server ${name} did not become healthy:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid!;
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
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        });
      }
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
