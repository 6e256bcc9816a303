// `pnpm bench [--quick] [--only name,name]`: runs each benchmark, prints its table (ours,
// the baseline measured in the same run, the ratio) and writes them all to
// bench/results/latest.md. Benchmarks never fail a build for being slow.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpus, totalmem } from 'node:os';
import { renderTable, type Table } from './lib/table.js';
import { SUITES } from './suites.js';

export interface BenchOptions {
  quick: boolean;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? '').split(',')) : null;

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const header = [
  `# wikisync benchmarks${quick ? ' (quick)' : ''}`,
  '',
  `Machine: ${machine}. Command: \`pnpm bench${quick ? ' --quick' : ''}\`. Run at ${new Date().toISOString()}.`,
  '',
];
console.log(header.join('\n'));

// The sync suites run the built server as child processes. A fresh clone has no build yet;
// an existing one is used as it is (rebuild after changing the server), because rebuilding
// here would swap dist/ under anyone else's running server.
const serverEntry = fileURLToPath(new URL('../apps/server/dist/main.js', import.meta.url));
if (!existsSync(serverEntry)) {
  console.log('Building the server (apps/server/dist is missing)…');
  const build = spawnSync(
    process.execPath,
    [
      fileURLToPath(new URL('../scripts/pnpm.mjs', import.meta.url)),
      '--filter',
      '@wikisync/server',
      'run',
      'build',
    ],
    { stdio: 'inherit' },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const tables: Table[] = [];
let failures = 0;
for (const suite of SUITES) {
  if (only && !only.has(suite.name)) continue;
  console.log(`\n… ${suite.name}: ${suite.description}`);
  try {
    for (const table of await suite.run(quick ? suite.sizes.quick : suite.sizes.full)) {
      tables.push(table);
      console.log(`\n${renderTable(table)}\n`);
    }
  } catch (error) {
    failures++;
    console.error(`benchmark ${suite.name} could not run:`, error);
  }
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL(`./results/${quick ? 'quick' : 'latest'}.md`, import.meta.url),
  [...header, ...tables.map(renderTable)].join('\n\n') + '\n',
);
// A benchmark that could not run at all is an error; a slow one is not.
process.exit(failures > 0 ? 1 : 0);
