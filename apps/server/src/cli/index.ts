// wikisync admin CLI: migrations, users, tokens, grants, demo data and instance sync.
// Run it with `pnpm cli <command>` from the repository root, or `wikisync <command>` (the
// built `dist/cli.js`). This file only dispatches and prints failures: admin commands are in
// admin-commands.ts, `sync`/`schedule`/`peer` in sync-commands.ts.
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open-database.js';
import { AppError, ConfigError } from '../errors.js';
import { ADMIN_USAGE, runAdminCommand } from './admin-commands.js';
import { UsageError } from './arguments.js';
import { runSyncCli, SYNC_COMMANDS, SYNC_USAGE } from './sync-commands.js';

const USAGE = `Usage: wikisync <command> [options]

${ADMIN_USAGE}
${SYNC_USAGE}`;

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === 'help' || argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const db = await openDatabase(config, `the CLI (wikisync ${argv.slice(0, 2).join(' ')})`);
  try {
    await (SYNC_COMMANDS.has(argv[0] ?? '') ? runSyncCli(db, config, argv) : runAdminCommand(db, argv));
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`wikisync: ${error.message}\n\n${USAGE}`);
  else if (error instanceof ConfigError || error instanceof AppError)
    console.error(`wikisync: ${error.message}`);
  else if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`wikisync: ${error.message}\n\n${USAGE}`);
  } else console.error('wikisync: failed:', error);
  process.exitCode = 1;
});
