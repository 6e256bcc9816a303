// A push (PROTOCOL.md §2): ping, repository-upsert, the optional clear, then the rows. To an
// openDeepWiki receiver rows go one call at a time (push-per-call.ts); to one of ours, whose
// ping offers `batch`, they go as batches of many rows, several at once (push-batched.ts).
import { repositoryUpsertResponseSchema } from '@wikisync/shared';
import { saveSent } from './id-map.js';
import { repositoryWireRow } from './wire-rows.js';
import { checkCancelled, now, type PushContext, type PushResult } from './push-context.js';
import { pushPerCall } from './push-per-call.js';
import { pushBatched } from './push-batched.js';

export type { PushContext, PushResult } from './push-context.js';

export async function runPush(ctx: PushContext): Promise<PushResult> {
  const { client, tracker, plan } = ctx;
  const repository = repositoryWireRow(plan.repository);
  const localRepositoryId = Number(repository.repository_id);
  tracker.currentTask = `Copying repository ${String(repository.name)}`;
  const upserted = repositoryUpsertResponseSchema.parse(await client.post('repository-upsert', repository));
  await saveSent(ctx.db, ctx.targetId, 'repository', [
    { localId: localRepositoryId, remoteId: upserted.repository_id },
  ]);
  tracker.meta.remote_repository_id = upserted.repository_id;
  tracker.record({
    entity: 'repository',
    title: String(repository.name),
    status: 'updated',
    sourceId: localRepositoryId,
    targetId: upserted.repository_id,
    error: null,
    startedAt: now(),
  });
  if (ctx.clear) {
    tracker.currentTask = 'Clearing the target repository';
    await client.post('repository-clear', { repository_id: localRepositoryId });
  }
  checkCancelled(ctx.signal);
  return ctx.capabilities?.batch ? pushBatched(ctx, localRepositoryId) : pushPerCall(ctx, localRepositoryId);
}
