#!/usr/bin/env node
// `npm start`: install, build, load the demo data once, then run the server, in this order.
//
// `npm start` runs `start.mjs prepare` for the first three, then replaces its shell with the
// server (`exec`, in package.json), so the process tree a user's machine carries while the
// server runs is npm and the server: no launcher chain beside it, and a SIGTERM that npm
// passes on reaches the server itself.
//
// `node scripts/start.mjs` alone (also where npm's shell has no `exec`) does all four, with
// the server as its only long-lived child: SIGINT and SIGTERM are passed on to it, also when
// only the parent received them, and this script exits with the server's exit code.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverDir = fileURLToPath(new URL('../apps/server/', import.meta.url));
// Relative paths such as DATA_DIR are taken from where `npm start` was typed (npm's INIT_CWD).
const env = {
  ...process.env,
  WIKISYNC_START_DIR: process.env.WIKISYNC_START_DIR || process.env.INIT_CWD || process.cwd(),
};

function step(args, cwd = root) {
  const result = spawnSync(process.execPath, args, { cwd, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

step(['scripts/pnpm.mjs', 'install', '--frozen-lockfile']);
step(['scripts/pnpm.mjs', 'build']);
step(['dist/cli.js', 'seed', '--if-empty'], serverDir);
if (process.argv[2] === 'prepare') process.exit(0);

const server = spawn(process.execPath, ['dist/main.js'], { cwd: serverDir, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => server.kill(signal));
}
// A parent that goes away without passing its signal on: stop the server as if it had.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) server.kill('SIGTERM');
}, 500).unref();
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
