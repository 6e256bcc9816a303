// A push (PROTOCOL.md §2): ping, repository-upsert, the optional clear, then the rows. To an
// openDeepWiki receiver rows go one call at a time (push-per-call.ts); to one of ours, whose
// ping offers `batch`, they go as batches of many rows, several at once (push-batched.ts).
import { SyncRefusedError } from '../../../errors.js';
import { lookupSentOrPulled, saveSent } from '../../wire/id-map.js';
import { repositoryWireRow } from '../../wire/wire-rows.js';
import { checkCancelled, now, type PushContext, type PushResult } from './push-context.js';
import { pushPerCall } from './push-per-call.js';
import { pushBatched } from './push-batched.js';

export type { PushContext, PushResult } from './push-context.js';

/**
 * The repository id to send an openDeepWiki receiver, which keys repositories by it: its id
 * of the repository when we sent it before or pulled it from there, else ours, but only when
 * that id is free there. Taking another repository's id would overwrite that repository, so
 * the push is refused before anything is written.
 */
async function openDeepWikiRepositoryId(ctx: PushContext, localId: number, name: string): Promise<number> {
  const known = (await lookupSentOrPulled(ctx.db, ctx.targetId, ctx.peerKey, 'repository', [localId])).get(
    localId,
  );
  if (known !== undefined) return known;
  ctx.tracker.currentTask = 'Checking which repository ids the target already uses';
  const list = await ctx.client.call('repository-list');
  const taken = list.find((remote) => remote.repository_id === localId);
  if (taken) {
    throw new SyncRefusedError(
      `The target ${ctx.client.baseUrl} already holds a repository ${localId}, "${taken.name}", which this server never sent it. ` +
        `openDeepWiki stores a pushed repository under the sender's id, so pushing "${name}" (repository ${localId} here) would overwrite "${taken.name}". ` +
        `Nothing was written. Pull "${taken.name}" from there instead, or push "${name}" to a server where id ${localId} is free.`,
    );
  }
  return localId;
}

export async function runPush(ctx: PushContext): Promise<PushResult> {
  const { client, tracker, plan } = ctx;
  const repository = repositoryWireRow(plan.repository);
  const localRepositoryId = Number(repository.repository_id);
  const name = String(repository.name);
  const perCall = !ctx.capabilities?.batch;
  // Our receivers map our ids through our identity; an openDeepWiki one takes ids as keys.
  const sentRepositoryId = perCall
    ? await openDeepWikiRepositoryId(ctx, localRepositoryId, name)
    : localRepositoryId;
  const body = { ...repository, repository_id: sentRepositoryId, name };
  const recordRepository = async (upserted: { repository_id: number }) => {
    await saveSent(ctx.db, ctx.targetId, 'repository', [
      { localId: localRepositoryId, remoteId: upserted.repository_id },
    ]);
    tracker.meta.remote_repository_id = upserted.repository_id;
    tracker.record({
      entity: 'repository',
      title: name,
      status: 'updated',
      sourceId: localRepositoryId,
      targetId: upserted.repository_id,
      error: null,
      startedAt: now(),
    });
  };
  const upsertRepository = async () => {
    tracker.currentTask = `Copying repository ${name}`;
    await recordRepository(await client.call('repository-upsert', body));
    if (ctx.clear) {
      tracker.currentTask = 'Clearing the target repository';
      await client.call('repository-clear', { repository_id: sentRepositoryId });
    }
    checkCancelled(ctx.signal);
  };
  if (perCall) {
    await upsertRepository();
    return pushPerCall(ctx, sentRepositoryId);
  }
  // One of ours takes rows by our ids, so they are read while the repository is upserted (a
  // round trip and a commit there, a tenth of a re-push), or the one request of a small push
  // carries it; no row is sent before the receiver holds it.
  let upserted: Promise<void> | undefined;
  return pushBatched(ctx, localRepositoryId, {
    body,
    ready: () => {
      if (!upserted) {
        upserted = upsertRepository();
        upserted.catch(() => {});
      }
      return upserted;
    },
    carried: async (answer) => {
      await recordRepository(answer);
      checkCancelled(ctx.signal);
    },
  });
}
