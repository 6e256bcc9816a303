// `wikisync peer token …` (tokens other servers present) and `wikisync schedule …`
// (cron-driven syncs): the instance-sync settings an operator keeps from the command line.
import { SYNC_SCOPES, type SyncScope } from '@wikisync/shared';
import type { Database } from '../db/database.js';
import type { SecretBox } from '../instance-sync/peer-auth/secret-box.js';
import { createSchedule, deleteSchedule, listSchedules } from '../instance-sync/schedules/schedule-store.js';
import {
  createPeerToken,
  listPeerTokens,
  parseScopes,
  revokePeerToken,
} from '../instance-sync/peer-auth/peer-token-store.js';
import { idList, positiveId, printRows, runAction, UsageError } from './arguments.js';

export interface SettingOptions {
  scopes?: string;
  repos?: string;
  'signing-secret'?: string;
  cron?: string;
  target?: string;
  repo?: string;
  direction?: string;
  clear: boolean;
}

export function runPeerCommand(db: Database, box: SecretBox, args: string[], values: SettingOptions) {
  const [sub, action, arg] = args;
  if (sub !== 'token') throw new UsageError('expected "peer token create|list|revoke"');
  return runAction(
    action,
    {
      create: async () => {
        const scopes: SyncScope[] = parseScopes(values.scopes ?? SYNC_SCOPES.join(','));
        const created = await createPeerToken(db, box, {
          name: arg ?? 'peer',
          scopes,
          repositoryIds: idList(values.repos, '--repos'),
          signingSecret: values['signing-secret'] ?? null,
        });
        console.log(created.token);
        console.error(`peer token ${created.peerToken.id} (${scopes.join(', ')}); it is shown only once`);
      },
      list: async () =>
        printRows(await listPeerTokens(db), (token) => [
          token.id,
          token.name,
          token.scopes.join(','),
          `repos=${token.repository_ids?.join(',') ?? 'all'}`,
          token.has_signing_secret ? 'signed' : 'unsigned',
          token.revoked_at ? 'revoked' : 'active',
        ]),
      revoke: async () => {
        await revokePeerToken(db, positiveId(arg, 'token id'));
        console.log('peer token revoked');
      },
    },
    '"peer token create|list|revoke"',
  );
}

export function runScheduleCommand(db: Database, args: string[], values: SettingOptions) {
  const [sub, arg] = args;
  return runAction(
    sub,
    {
      list: async () =>
        printRows(await listSchedules(db), (schedule) => [
          schedule.id,
          schedule.cron,
          schedule.direction,
          `repo ${schedule.repository_id}`,
          schedule.target_url,
          `next ${schedule.next_run_at ?? '-'}`,
        ]),
      add: async () => {
        const direction = values.direction;
        if (direction !== 'push' && direction !== 'pull')
          throw new UsageError('--direction must be push or pull');
        const schedule = await createSchedule(db, {
          cron: values.cron ?? '',
          target_id: positiveId(values.target, '--target (a target id from `sync target list`)'),
          repository_id: positiveId(values.repo, '--repo'),
          direction,
          clear: values.clear,
          enabled: true,
          createdBy: 'cli',
        });
        console.log(`schedule ${schedule.id} added; next run ${schedule.next_run_at}`);
      },
      remove: async () => {
        await deleteSchedule(db, positiveId(arg, 'schedule id'));
        console.log('schedule removed');
      },
    },
    '"schedule list|add|remove"',
  );
}
