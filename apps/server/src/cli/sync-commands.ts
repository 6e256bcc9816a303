// `wikisync sync …`, `wikisync schedule …` and `wikisync peer …`: instance sync from the
// command line. Pushes and pulls run in this process against the configured database (the
// session is recorded like any other) with a progress bar on stderr.
import { parseArgs } from 'node:util';
import { numericIdSchema, syncBaseUrlSchema, SYNC_SCOPES, type SyncScope } from '@wikisync/shared';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { BadRequestError } from '../errors.js';
import { Initiator } from '../instance-sync/initiator/initiator.js';
import { secretBoxFor } from '../instance-sync/index.js';
import { importingCaller } from '../instance-sync/receiver/local-import.js';
import { getSession, listSessions, toStatus } from '../instance-sync/initiator/session-store.js';
import { deleteTarget, listTargets, saveTarget } from '../instance-sync/initiator/target-store.js';
import { createSchedule, deleteSchedule, listSchedules } from '../instance-sync/schedules/schedule-store.js';
import {
  createPeerToken,
  listPeerTokens,
  parseScopes,
  revokePeerToken,
} from '../instance-sync/peer-auth/peer-token-store.js';
import { exportToFile, importFromFile } from '../instance-sync/file-transfer/jsonl-file.js';

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

function id(value: string | undefined, what: string): number {
  const parsed = numericIdSchema.safeParse(value);
  if (!parsed.success)
    throw new BadRequestError(`${what} must be a positive integer (got ${JSON.stringify(value)}).`);
  return parsed.data;
}

function idList(value: string | undefined, what: string): number[] | null {
  if (value === undefined) return null;
  return value.split(',').map((part) => id(part.trim(), what));
}

function targetUrl(value: string | undefined): string {
  const parsed = syncBaseUrlSchema.safeParse(value ?? '');
  if (!parsed.success)
    throw new BadRequestError(
      `--target ${parsed.error.issues[0]?.message ?? 'is invalid'} (got ${JSON.stringify(value)}).`,
    );
  return parsed.data;
}

function bar(percent: number, width = 30): string {
  const filled = Math.round((Math.min(100, percent) / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(percent)).padStart(3)}%`;
}

async function watch(db: Database, initiator: Initiator, sessionId: string): Promise<boolean> {
  const draw = async () => {
    const status = toStatus(await getSession(db, sessionId));
    const line = `${bar(status.progress)} (${status.completed_tasks}/${status.total_tasks}) ${status.current_task}`;
    process.stderr.write(`\r${line.slice(0, 120).padEnd(120)}`);
  };
  const timer = setInterval(() => void draw().catch(() => {}), 250);
  await initiator.waitFor(sessionId);
  clearInterval(timer);
  await draw();
  process.stderr.write('\n');
  const session = await getSession(db, sessionId);
  const { counts } = session;
  console.log(
    `${session.direction} ${session.status}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.deleted} deleted, ${counts.failed} failed (session ${session.id})`,
  );
  if (session.error) console.error(session.error);
  return session.status === 'completed' && counts.failed === 0;
}

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
  const caller = importingCaller('cli', 'cli');
  if (command === 'peer') {
    if (sub !== 'token') throw new BadRequestError('expected "peer token create|list|revoke"');
    const [action, arg] = rest;
    if (action === 'create') {
      const scopes: SyncScope[] = parseScopes(values.scopes ?? SYNC_SCOPES.join(','));
      const created = await createPeerToken(db, box, {
        name: arg ?? 'peer',
        scopes,
        repositoryIds: idList(values.repos, '--repos'),
        signingSecret: values['signing-secret'] ?? null,
      });
      console.log(created.token);
      console.error(`peer token ${created.peerToken.id} (${scopes.join(', ')}); it is shown only once`);
      return;
    }
    if (action === 'list') {
      for (const token of await listPeerTokens(db)) {
        console.log(
          `${token.id}\t${token.name}\t${token.scopes.join(',')}\trepos=${token.repository_ids?.join(',') ?? 'all'}\t${token.has_signing_secret ? 'signed' : 'unsigned'}\t${token.revoked_at ? 'revoked' : 'active'}`,
        );
      }
      return;
    }
    if (action === 'revoke') {
      await revokePeerToken(db, id(arg, 'token id'));
      console.log('peer token revoked');
      return;
    }
    throw new BadRequestError('expected "peer token create|list|revoke"');
  }
  if (command === 'schedule') {
    if (sub === 'list') {
      for (const schedule of await listSchedules(db)) {
        console.log(
          `${schedule.id}\t${schedule.cron}\t${schedule.direction}\trepo ${schedule.repository_id}\t${schedule.target_url}\tnext ${schedule.next_run_at ?? '-'}`,
        );
      }
      return;
    }
    if (sub === 'add') {
      const direction = values.direction;
      if (direction !== 'push' && direction !== 'pull')
        throw new BadRequestError('--direction must be push or pull');
      const schedule = await createSchedule(db, {
        cron: values.cron ?? '',
        target_id: id(values.target, '--target (a target id from `sync target list`)'),
        repository_id: id(values.repo, '--repo'),
        direction,
        clear: values.clear,
        enabled: true,
        createdBy: 'cli',
      });
      console.log(`schedule ${schedule.id} added; next run ${schedule.next_run_at}`);
      return;
    }
    if (sub === 'remove') {
      await deleteSchedule(db, id(rest[0], 'schedule id'));
      console.log('schedule removed');
      return;
    }
    throw new BadRequestError('expected "schedule list|add|remove"');
  }
  switch (sub) {
    case 'target': {
      const [action, arg] = rest;
      if (action === 'list') {
        for (const target of await listTargets(db))
          console.log(
            `${target.id}\t${target.url}\t${target.has_token ? 'token' : 'no token'}\t${target.has_signing_secret ? 'signed' : ''}`,
          );
        return;
      }
      if (action === 'save') {
        const target = await saveTarget(db, box, {
          url: targetUrl(arg),
          token: values.token,
          signing_secret: values['signing-secret'],
        });
        console.log(`target ${target.id} saved: ${target.url}`);
        return;
      }
      if (action === 'delete') {
        await deleteTarget(db, id(arg, 'target id'));
        console.log('target deleted');
        return;
      }
      throw new BadRequestError('expected "sync target list|save|delete"');
    }
    case 'push':
    case 'pull': {
      const initiator = new Initiator(db, config.sync, box);
      const options = {
        target: { url: targetUrl(values.target) },
        repositoryId: id(values.repo, '--repo'),
        documentIds: idList(values.docs, '--docs'),
        clear: values.clear,
        kind: 'manual' as const,
        caller,
      };
      const started =
        sub === 'push' ? await initiator.startPush(options) : await initiator.startPull(options);
      if (!(await watch(db, initiator, started.sync_id))) process.exitCode = 1;
      return;
    }
    case 'sessions': {
      const direction =
        values.direction === 'push' || values.direction === 'pull' ? values.direction : undefined;
      const page = await listSessions(db, {
        limit: 20,
        offset: 0,
        repository_id: values.repo ? id(values.repo, '--repo') : undefined,
        direction,
      });
      for (const s of page.items) {
        console.log(
          `${s.started_at}\t${s.id}\t${s.type}\t${s.direction}\t${s.status}\trepo ${s.repository_id ?? s.remote_repository_id}\t${s.peer}\t${s.counts.created}+ ${s.counts.updated}~ ${s.counts.deleted}- ${s.counts.failed}!`,
        );
      }
      return;
    }
    case 'export': {
      const file = rest[1];
      if (!file) throw new BadRequestError('expected "sync export <repository-id> <file.jsonl>"');
      const written = await exportToFile(db, id(rest[0], 'repository id'), file);
      console.log(`wrote ${written.tasks} tasks and ${written.documents} documents to ${file}`);
      return;
    }
    case 'import': {
      const file = rest[0];
      if (!file) throw new BadRequestError('expected "sync import <file.jsonl>"');
      const result = await importFromFile(db, file, 'cli');
      console.log(
        `imported into repository ${result.repository_id}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.deleted} deleted, ${result.failed} failed`,
      );
      if (result.failed > 0) process.exitCode = 1;
      return;
    }
    default:
      throw new BadRequestError(`unknown sync command ${JSON.stringify(sub ?? '')}; see \`wikisync help\``);
  }
}
