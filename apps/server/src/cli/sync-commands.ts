// `wikisync sync …`, `wikisync schedule …` and `wikisync peer …`: instance sync from the
// command line. Pushes and pulls run in this process against the configured database (the
// session is recorded like any other) with progress on stderr (sync-progress.ts); peer
// tokens and schedules are in peer-commands.ts.
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { Initiator } from '../instance-sync/initiator/initiator.js';
import { secretBoxFor } from '../instance-sync/index.js';
import { importingCaller } from '../instance-sync/receiver/local-import.js';
import { listSessions } from '../instance-sync/initiator/session-store.js';
import { deleteTarget, listTargets, saveTarget } from '../instance-sync/initiator/target-store.js';
import { exportToFile, importFromFile } from '../instance-sync/file-transfer/jsonl-file.js';
import { idList, positiveId, printRows, required, runAction, targetUrl } from './arguments.js';
import { runPeerCommand, runScheduleCommand } from './peer-commands.js';
import { watchSession } from './sync-progress.js';

export const SYNC_USAGE = `
Instance sync (see docs/instance-sync.md):
  sync target list | save <url> [--token T] [--signing-secret S] | delete <id>
  sync push --target <url> --repo <id> [--docs 1,2,3] [--clear]   push a repository (progress bar; exit 1 on failure)
  sync pull --target <url> --repo <remote-id> [--docs 1,2] [--clear]
  sync sessions [--repo <id>] [--direction push|pull]               recent sessions, newest first
  sync export <repository-id> <file.jsonl>                          write a repository to a file
  sync import <file.jsonl>                                          read it back (same mapping as pull)
  schedule list | add --cron "<expr>" --target <target-id> --repo <id> --direction push|pull [--clear] | remove <id>
  peer token create <name> --scopes receive,export,initiate [--repos 1,2] [--signing-secret S]
  peer token list | revoke <id>`;

export const SYNC_COMMANDS = new Set(['sync', 'schedule', 'peer']);

export async function runSyncCli(db: Database, config: Config, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      repo: { type: 'string' },
      docs: { type: 'string' },
      clear: { type: 'boolean', default: false },
      token: { type: 'string' },
      'signing-secret': { type: 'string' },
      scopes: { type: 'string' },
      repos: { type: 'string' },
      cron: { type: 'string' },
      direction: { type: 'string' },
    },
  });
  const [command, sub, ...rest] = positionals;
  const box = secretBoxFor(config);
  if (command === 'peer') return runPeerCommand(db, box, positionals.slice(1), values);
  if (command === 'schedule') return runScheduleCommand(db, positionals.slice(1), values);
  const copy = (direction: 'push' | 'pull') => async () => {
    const initiator = new Initiator(db, config.sync, box);
    const options = {
      target: { url: targetUrl(values.target) },
      repositoryId: positiveId(values.repo, '--repo'),
      documentIds: idList(values.docs, '--docs'),
      clear: values.clear,
      kind: 'manual' as const,
      caller: importingCaller('cli', 'cli'),
    };
    const started =
      direction === 'push' ? await initiator.startPush(options) : await initiator.startPull(options);
    if (!(await watchSession(db, initiator, started.sync_id))) process.exitCode = 1;
  };
  return runAction(
    sub,
    {
      target: () => runTargetCommand(db, box, rest, values),
      push: copy('push'),
      pull: copy('pull'),
      sessions: async () => {
        const direction =
          values.direction === 'push' || values.direction === 'pull' ? values.direction : undefined;
        const page = await listSessions(db, {
          limit: 20,
          offset: 0,
          repository_id: values.repo ? positiveId(values.repo, '--repo') : undefined,
          direction,
        });
        printRows(page.items, (s) => [
          s.started_at,
          s.id,
          s.type,
          s.direction,
          s.status,
          `repo ${s.repository_id ?? s.remote_repository_id}`,
          s.peer,
          `${s.counts.created}+ ${s.counts.updated}~ ${s.counts.deleted}- ${s.counts.failed}!`,
        ]);
      },
      export: async () => {
        const file = required(rest[1], 'file: "sync export <repository-id> <file.jsonl>"');
        const written = await exportToFile(db, positiveId(rest[0], 'repository id'), file);
        console.log(`wrote ${written.tasks} tasks and ${written.documents} documents to ${file}`);
      },
      import: async () => {
        const file = required(rest[0], 'file: "sync import <file.jsonl>"');
        const result = await importFromFile(db, file, 'cli');
        console.log(
          `imported into repository ${result.repository_id}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.deleted} deleted, ${result.failed} failed`,
        );
        if (result.failed > 0) process.exitCode = 1;
      },
    },
    '"sync target|push|pull|sessions|export|import"',
  );
}

function runTargetCommand(
  db: Database,
  box: ReturnType<typeof secretBoxFor>,
  [action, arg]: string[],
  values: { token?: string; 'signing-secret'?: string },
) {
  return runAction(
    action,
    {
      list: async () =>
        printRows(await listTargets(db), (target) => [
          target.id,
          target.url,
          target.has_token ? 'token' : 'no token',
          target.has_signing_secret ? 'signed' : '',
        ]),
      save: async () => {
        const target = await saveTarget(db, box, {
          url: targetUrl(arg),
          token: values.token,
          signing_secret: values['signing-secret'],
        });
        console.log(`target ${target.id} saved: ${target.url}`);
      },
      delete: async () => {
        await deleteTarget(db, positiveId(arg, 'target id'));
        console.log('target deleted');
      },
    },
    '"sync target list|save|delete"',
  );
}
