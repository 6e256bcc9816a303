// Runs a real openDeepWiki sync server (`odw-sync-server`, its own unmodified sync code) as a
// child process, so interoperability tests talk to the real thing instead of our reading of
// it. The binary lives beside the clone (`../shared/peers/opendeepwiki/`), not in it: tests
// that need it use `describe.skipIf(!openDeepWikiPeerBinary())` and say why with
// OPEN_DEEPWIKI_SKIP_REASON. Seeding it is open-deepwiki-seed.ts; reading its database,
// open-deepwiki-snapshot.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { freePort } from '../../apps/server/src/testing/server-process.js';
import { readSnapshot, type OpenDeepWikiSnapshot } from './open-deepwiki-snapshot.js';

/** Why the real-peer tests did not run, for `describe.skipIf(...)`'s readers. */
export const OPEN_DEEPWIKI_SKIP_REASON =
  'the openDeepWiki peer binary (odw-sync-server) is absent: ../shared is not beside this clone ' +
  '(or OPENDEEPWIKI_PEER_BIN points nowhere), so the tests against a real openDeepWiki are skipped';

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;

function repositoryRoot(): string {
  // The root is wherever pnpm-workspace.yaml is, so the path holds in any worktree.
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'pnpm-workspace.yaml'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('pnpm-workspace.yaml not found above test/support');
    folder = parent;
  }
  return folder;
}

/** The peer binary's path when it exists and may be executed, else null. */
export function openDeepWikiPeerBinary(): string | null {
  const path =
    process.env.OPENDEEPWIKI_PEER_BIN ??
    resolve(repositoryRoot(), '..', 'shared', 'peers', 'opendeepwiki', 'odw-sync-server');
  try {
    if (!statSync(path).isFile()) return null;
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return null;
  }
}

export interface OpenDeepWikiAnswer {
  status: number;
  /** The parsed body; null when it is not JSON (gin's own 404 is plain text). */
  json: unknown;
  text: string;
}

export interface OpenDeepWikiPeer {
  /** `http://127.0.0.1:PORT/api/sync`, as a peer's base URL is written. */
  base: string;
  port: number;
  dbFile: string;
  /** Everything the process printed. */
  output(): string;
  /** POSTs `body` as JSON to `${base}/${endpoint}`, or GETs it when `body` is undefined. */
  call(endpoint: string, body?: unknown): Promise<OpenDeepWikiAnswer>;
  /** Like `call`, but throws with the peer's `error` unless 2xx, and returns `data`. */
  post<T = unknown>(endpoint: string, body: unknown): Promise<T>;
  snapshot(): Promise<OpenDeepWikiSnapshot>;
  stop(): Promise<void>;
}

/** Starts a peer on a free loopback port with a fresh database; `stop()` removes both. */
export async function startOpenDeepWiki(): Promise<OpenDeepWikiPeer> {
  const binary = openDeepWikiPeerBinary();
  if (!binary) throw new Error(OPEN_DEEPWIKI_SKIP_REASON);
  const port = await freePort();
  const folder = mkdtempSync(join(tmpdir(), 'odw-peer-'));
  const dbFile = join(folder, 'odw.db');
  const base = `http://127.0.0.1:${port}/api/sync`;
  let log = '';
  const child: ChildProcess = spawn(binary, ['-addr', `127.0.0.1:${port}`, '-db', dbFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  let spawnError: Error | null = null;
  child.once('error', (error) => (spawnError = error));

  async function call(endpoint: string, body?: unknown): Promise<OpenDeepWikiAnswer> {
    const response = await fetch(`${base}/${endpoint}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: left as text for the caller's message
    }
    return { status: response.status, json, text };
  }

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(killer);
    }
    rmSync(folder, { recursive: true, force: true });
  }

  const peer: OpenDeepWikiPeer = {
    base,
    port,
    dbFile,
    output: () => log,
    call,
    async post<T>(endpoint: string, body: unknown): Promise<T> {
      const answer = await call(endpoint, body);
      const payload = (answer.json ?? {}) as { data?: T; error?: string };
      if (answer.status < 200 || answer.status > 299) {
        throw new Error(`openDeepWiki ${endpoint} → ${answer.status}: ${payload.error ?? answer.text}`);
      }
      return payload.data as T;
    },
    snapshot: () => readSnapshot(dbFile),
    stop,
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      const why = spawnError ? String(spawnError) : `exited with ${child.exitCode ?? child.signalCode}`;
      throw new Error(`openDeepWiki peer ${binary} ${why}; its output:\n${log}`);
    }
    try {
      if ((await call('ping')).status === 200) return peer;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`openDeepWiki peer did not answer ${base}/ping within 10 s; its output:\n${log}`);
    }
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

/**
 * Registers the hook that stops, after the tests of the describe block that calls it, every
 * peer started through the function it returns.
 */
export function useOpenDeepWikiPeers(): () => Promise<OpenDeepWikiPeer> {
  const started: OpenDeepWikiPeer[] = [];
  afterAll(async () => {
    await Promise.all(started.splice(0).map((peer) => peer.stop()));
  });
  return async () => {
    const peer = await startOpenDeepWiki();
    started.push(peer);
    return peer;
  };
}
