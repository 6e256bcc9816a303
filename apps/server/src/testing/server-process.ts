// The server as a real child process, for tests and benchmarks that need what only a process
// shows: startup, signals, crashes, a second process on one database, peak memory. One free
// loopback port, one environment and one wait-until-healthy, shared by test/support and
// bench/lib, so a change to how the server starts is made here once.
//
// Nothing here imports vitest: benchmarks run this under plain tsx.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The built server (`apps/server/dist/`), the way a user runs it. */
export const SERVER_DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The environment a server process runs with: ours, minus DATABASE_URL, plus where to listen. */
export function serverEnv(
  port: number,
  adminToken: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_TOKEN: adminToken,
  };
  // The caller names the database (or the embedded one's folder) in `extra`; an inherited
  // DATABASE_URL would silently point the server at some other database.
  delete env.DATABASE_URL;
  return { ...env, ...extra };
}

export interface ServerChild {
  child: ChildProcess;
  /** Whether the process is still running. */
  running(): boolean;
  /** Sends `name` and resolves once the process has exited (at once if it already has). */
  signal(name: NodeJS.Signals): Promise<void>;
}

export interface SpawnServerOptions {
  /** Arguments to node: flags, then the entry script. */
  args: string[];
  env: Record<string, string | undefined>;
  /** Where the server answers `/health`. */
  url: string;
  cwd?: string;
  /** Receives everything the process prints, for logs in failures and assertions. */
  onOutput?: (text: string) => void;
  /** How failures name the process, e.g. "server a". */
  label?: string;
}

/**
 * Spawns a server and resolves once `/health` answers; rejects if it exits or takes three
 * minutes (a loaded machine creating a fresh embedded database is slow; this only bounds a hang).
 */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerChild> {
  const label = options.label ?? 'server';
  let log = '';
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    log += text;
    options.onOutput?.(text);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const running = () => child.exitCode === null && child.signalCode === null;

  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${options.url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // The caller gets no handle to stop it with, so a process that never came up is ended here.
      child.kill('SIGKILL');
      throw new Error(`${label} did not become healthy:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    child,
    running,
    signal: (name) =>
      running()
        ? new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill(name);
          })
        : Promise.resolve(),
  };
}
