// 6. What the embedded server holds on a user's machine while idle: the built server on a
// fresh folder (its first start, when the database is created) and on the same folder again
// (every later start), and the whole process tree `npm start` leaves running. PGlite's WASM
// memory never shrinks, so the figures are read after the server has settled, several times,
// and the highest reading is reported.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_DIST, freePort, serverEnv, spawnServer } from '../apps/server/src/testing/server-process.js';
import { currentRssMiB, peakRssMiB, treeCurrentRssMiB } from './lib/memory.js';
import type { Row, Table } from './lib/table.js';
import { defineSuite } from './lib/suite.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_GOAL_MIB = 250;
const TREE_GOAL_MIB = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The highest of `samples` readings, one a second, after `settleMs` of idleness. */
async function settledMiB(read: () => number | null, settleMs: number, samples: number): Promise<number> {
  await sleep(settleMs);
  let highest = 0;
  for (let i = 0; i < samples; i++) {
    highest = Math.max(highest, read() ?? Number.NaN);
    await sleep(1_000);
  }
  return highest;
}

async function waitHealthy(url: string, isRunning: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning()) throw new Error(`the process serving ${url} exited before it answered`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer /health in ${timeoutMs / 1000} s`);
}

/** The built server on `dataDir`: idle RSS and peak RSS of one start. */
async function serverStart(dataDir: string, settleMs: number, samples: number) {
  const port = await freePort();
  const server = await spawnServer({
    args: [join(SERVER_DIST, 'main.js')],
    env: serverEnv(port, 'bench-admin-token', { DATA_DIR: dataDir, SYNC_SCHEDULER: 'off' }),
    url: `http://127.0.0.1:${port}`,
    label: 'embedded server',
  });
  const pid = server.child.pid!;
  try {
    const idle = await settledMiB(() => currentRssMiB(pid), settleMs, samples);
    return { idle, peak: peakRssMiB(pid) ?? Number.NaN };
  } finally {
    await server.signal('SIGTERM');
  }
}

/** `npm start` as a user types it, on a fresh folder: the idle RSS of everything it leaves running. */
async function npmStartTree(settleMs: number, samples: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wikisync-bench-npm-start-'));
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...serverEnv(port, 'bench-admin-token'), DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  const running = () => npm.exitCode === null && npm.signalCode === null;
  let figures: { total: number; processes: number };
  try {
    // npm start installs and builds first: minutes on a cold machine.
    await waitHealthy(`http://127.0.0.1:${port}`, running, 600_000);
    const total = await settledMiB(() => treeCurrentRssMiB(npm.pid!).total, settleMs, samples);
    figures = { total, processes: treeCurrentRssMiB(npm.pid!).processes };
  } finally {
    if (running()) {
      const exited = new Promise((resolve) => npm.once('exit', resolve));
      npm.kill('SIGTERM'); // npm passes it on to the server, which `exec` made its child
      await exited;
    }
  }
  // The server must not outlive npm: a SIGTERM to `npm start` stops it (within its grace).
  let serving = true;
  for (let i = 0; i < 50 && serving; i++) {
    serving = await fetch(`http://127.0.0.1:${port}/health`).then(
      () => true,
      () => false,
    );
    if (serving) await sleep(200);
  }
  rmSync(dataDir, { recursive: true, force: true });
  if (serving) throw new Error(`the server on port ${port} kept running after npm start was stopped`);
  return figures;
}

export const idleMemory = defineSuite({
  name: 'idle-memory',
  description:
    'resident memory of an idle embedded server (first start, restart) and of the `npm start` tree',
  sizes: { quick: { settleMs: 2_000, samples: 2 }, full: { settleMs: 5_000, samples: 5 } },
  async run({ settleMs, samples }) {
    const dataDir = mkdtempSync(join(tmpdir(), 'wikisync-bench-memory-'));
    let first: Awaited<ReturnType<typeof serverStart>>;
    let again: Awaited<ReturnType<typeof serverStart>>;
    try {
      first = await serverStart(dataDir, settleMs, samples);
      again = await serverStart(dataDir, settleMs, samples);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    const tree = await npmStartTree(settleMs, samples);
    const goal = (ours: number, limit: number) => ({ target: `≤ ${limit} MiB`, met: ours <= limit });
    const rows: Row[] = [
      {
        measure: 'idle server, first start (creates the database)',
        ours: first.idle,
        baseline: null,
        unit: 'MiB',
        better: 'lower',
        ...goal(first.idle, SERVER_GOAL_MIB),
      },
      {
        measure: 'idle server, later starts',
        ours: again.idle,
        baseline: null,
        unit: 'MiB',
        better: 'lower',
        ...goal(again.idle, SERVER_GOAL_MIB),
      },
      {
        measure: `idle \`npm start\` process tree (${tree.processes} processes)`,
        ours: tree.total,
        baseline: null,
        unit: 'MiB',
        better: 'lower',
        ...goal(tree.total, TREE_GOAL_MIB),
      },
    ];
    const table: Table = {
      title: 'Idle memory of the embedded server',
      baselineName: '—',
      rows,
      notes: [
        `Peak during the first start: ${first.peak.toFixed(0)} MiB; during a later start: ${again.peak.toFixed(0)} MiB (VmHWM). The database is created by a child process whose memory goes back when it exits.`,
        'Idle = the highest of several VmRSS readings, one a second, after the server settled.',
        'The `npm start` tree is npm and the server: the launcher runs install, build and seed, then `exec`s the server in its place.',
      ],
    };
    return [table];
  },
});
