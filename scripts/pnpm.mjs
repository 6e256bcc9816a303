#!/usr/bin/env node
// Runs the pinned pnpm through npx, so the README's commands work on a machine that has
// only Node and npm (corepack is not reliable everywhere, see the README).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { packageManager } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// pnpm sets INIT_CWD to its own folder, but relative paths in the settings (DATA_DIR) are
// meant from where the person typed the command, which npm recorded in INIT_CWD.
const startDir = process.env.WIKISYNC_START_DIR || process.env.INIT_CWD || process.cwd();
const result = spawnSync('npx', ['--yes', packageManager, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, WIKISYNC_START_DIR: startDir },
});
process.exit(result.status ?? 1);
