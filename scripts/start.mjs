#!/usr/bin/env node
// `npm start`: install, build, load the demo data once, then run the server, in this order.
// The server is this script's only long-lived child: SIGINT and SIGTERM sent to `npm start`
// are passed on to it, also when only npm received them (a chain of npm → npx → pnpm → sh used
// to leave it running), and this script exits with the server's exit code.
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

const server = spawn(process.execPath, ['dist/main.js'], {
  cwd: serverDir,
  stdio: 'inherit',
  env,
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => server.kill(signal));
}
// npm passes a SIGTERM on to the shell it started, but that shell does not pass it on to us:
// when our parent goes away, stop the server as if the signal had arrived.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) server.kill('SIGTERM');
}, 500).unref();
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
