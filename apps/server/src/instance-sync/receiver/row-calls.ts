// The receiver's per-call row endpoints of PROTOCOL.md §2, one row a call as openDeepWiki
// sends them: `task-create`, `document-create`, `task-update-docid` and `task-usage-create`.
// Each row is written by the same code as a batch's (row-apply.ts), so a call and a batch store
// a row alike; the sender's ids are mapped through its identity (id-map.ts).
import type { DocumentCreateRequest, TaskCreateRequest, TaskUsageCreateRequest } from '@wikisync/shared';
import { type Database, type Queryable, writeTransaction } from '../../db/database.js';
import { lockRepositoryOf } from '../../db/repository-locks.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { isMappedLocal } from '../wire/id-map.js';
import { applyRows, type AppliedRow } from './row-apply.js';
import { DOCUMENT_TABLE, TASK_TABLE } from './row-stage.js';
import { setLocalReference, setPeerReferences } from './links.js';
import { replaceTaskUsages } from '../../tasks/task-usage-store.js';
import { incomingDocument, incomingTask } from './incoming-rows.js';
import { callerForRepository, requireRepository, type SyncCaller } from '../peer-auth/sync-caller.js';
import { resolveRepository } from './receiver.js';

async function requireLocalRow(
  tx: Queryable,
  table: 'tasks' | 'documents',
  id: number,
  localRepositoryId: number,
  field: string,
): Promise<string> {
  const rows = await tx.query<{ uid: string }>(
    `SELECT uid FROM ${table} WHERE id = $1 AND repository_id = $2`,
    [id, localRepositoryId],
  );
  if (!rows[0]) {
    throw new BadRequestError(
      `${field} ${id} is not a ${table === 'tasks' ? 'task' : 'document'} of this repository here; send the id this server answered with.`,
    );
  }
  return rows[0].uid;
}

function failedOnly(applied: AppliedRow): void {
  if (applied.result === 'failed') throw new BadRequestError('The row could not be stored.');
}

export async function createTaskCall(db: Database, caller: SyncCaller, input: TaskCreateRequest) {
  caller = callerForRepository(caller, input.repository_id);
  return writeTransaction(db, async (tx) => {
    const localRepositoryId = await resolveRepository(tx, caller, input.repository_id);
    const [applied] = await applyRows(tx, TASK_TABLE, caller.peerKey, localRepositoryId, [
      incomingTask(input.task_id, input),
    ]);
    failedOnly(applied!);
    if (applied!.localId === null)
      throw new BadRequestError(
        `Task ${input.task_id ?? ''} was never received here, so it cannot be deleted.`,
      );
    if (!input.deleted) {
      const reference = [{ localId: applied!.localId, remoteTarget: input.run_after }];
      await setPeerReferences(tx, caller.peerKey, localRepositoryId, 'run_after', reference);
      // The sender's document id; a sender that sends none links it with task-update-docid.
      await setPeerReferences(
        tx,
        caller.peerKey,
        localRepositoryId,
        'doc',
        [{ localId: applied!.localId, remoteTarget: input.doc_id }],
        { keepOnNone: true },
      );
    }
    return {
      task_id: applied!.localId,
      repository_id: localRepositoryId,
      title: input.title,
      result: applied!.result,
    };
  });
}

export async function createDocumentCall(db: Database, caller: SyncCaller, input: DocumentCreateRequest) {
  caller = callerForRepository(caller, input.repository_id);
  return writeTransaction(db, async (tx) => {
    const localRepositoryId = await resolveRepository(tx, caller, input.repository_id);
    if (input.task_id !== null)
      await requireLocalRow(tx, 'tasks', input.task_id, localRepositoryId, 'task_id');
    const [applied] = await applyRows(tx, DOCUMENT_TABLE, caller.peerKey, localRepositoryId, [
      incomingDocument(input.document_id, input, input.task_id),
    ]);
    failedOnly(applied!);
    if (applied!.localId === null)
      throw new BadRequestError(
        `Document ${input.document_id ?? ''} was never received here, so it cannot be deleted.`,
      );
    // The sender's id of the newer version; openDeepWiki sends newest first, so it is
    // normally here already, and otherwise it is linked when it arrives.
    if (!input.deleted)
      await setPeerReferences(tx, caller.peerKey, localRepositoryId, 'replaced_by', [
        { localId: applied!.localId, remoteTarget: input.replaced_by },
      ]);
    return {
      document_id: applied!.localId,
      repository_id: localRepositoryId,
      task_id: input.task_id,
      result: applied!.result,
    };
  });
}

export async function updateTaskDocId(
  db: Database,
  caller: SyncCaller,
  input: { task_id: number; document_id: number },
) {
  return writeTransaction(db, async (tx) => {
    // Only rows this peer wrote here may be re-pointed by it.
    await requirePeerTask(tx, caller, input.task_id);
    const [task] = await tx.query<{ repository_id: number }>(
      'SELECT repository_id FROM tasks WHERE id = $1',
      [input.task_id],
    );
    const repositoryId = Number(task!.repository_id);
    const uid = await requireLocalRow(tx, 'documents', input.document_id, repositoryId, 'document_id');
    await setLocalReference(tx, 'doc', input.task_id, uid);
    return { task_id: input.task_id, document_id: input.document_id };
  });
}

/** Our task `taskId`, when this peer wrote it here (the receiver's ids, as task-update-docid). */
async function requirePeerTask(tx: Queryable, caller: SyncCaller, taskId: number): Promise<void> {
  await lockRepositoryOf(tx, 'tasks', taskId);
  const rows = await tx.query<{ repository_id: number }>(
    'SELECT repository_id FROM tasks WHERE id = $1 AND NOT deleted',
    [taskId],
  );
  if (!rows[0] || !(await isMappedLocal(tx, caller.peerKey, 'task', taskId)))
    throw new NotFoundError(`Task ${taskId} received from this peer`);
  requireRepository(caller, Number(rows[0].repository_id));
}

/** `task-usage-create`: replaces all of the task's usages (openDeepWiki's semantics, both forms). */
export async function createTaskUsages(db: Database, caller: SyncCaller, input: TaskUsageCreateRequest) {
  return writeTransaction(db, async (tx) => {
    await requirePeerTask(tx, caller, input.task_id);
    await replaceTaskUsages(tx, new Map([[input.task_id, input.usages]]));
    return { task_id: input.task_id };
  });
}
