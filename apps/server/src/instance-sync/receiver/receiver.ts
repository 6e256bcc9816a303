// The receiver side of PROTOCOL.md §2: what `repository-upsert`, `repository-clear`,
// `task-create`, `document-create`, `task-update-docid` and `task-usage-create` do
// (`batch-upsert` is in batch-receiver.ts). Every id a peer sends is looked up through the
// peer's own mapping (see id-map.ts), so a row that only shares a number with the peer's id
// is never touched.
import {
  safeHttpUrlOrEmpty,
  type DocumentCreateRequest,
  type RepositoryUpsertRequest,
  type TaskCreateRequest,
  type TaskUsageCreateRequest,
} from '@wikisync/shared';
import { type Database, type Queryable, writeTransaction } from '../../db/database.js';
import { randomUid } from '../../db/uid.js';
import { lockRepository, lockRepositoryOf } from '../../db/repository-locks.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../../errors.js';
import { isMappedLocal, lookupMapped, saveMappings } from '../wire/id-map.js';
import { applyRows, type AppliedRow } from './row-apply.js';
import { DOCUMENT_TABLE, TASK_TABLE } from './row-stage.js';
import { setLocalReference, setPeerReferences } from './links.js';
import { replaceTaskUsages } from '../../tasks/task-usage-store.js';
import { tombstoneRepositoryContents } from '../../repositories/repository-tombstones.js';
import { incomingDocument, incomingTask } from './incoming-rows.js';
import {
  callerForRepository,
  requireAnyRepository,
  requireRepository,
  type SyncCaller,
} from '../peer-auth/sync-caller.js';

const REPOSITORY_FIELDS = [
  'name',
  'url',
  'description',
  'clone_branch',
  'clone_commit_id',
  'size_mb',
  'status',
  'error_msg',
  'metadata',
] as const;

/**
 * Whether this peer may take over our repository `localId`, which it names by uid but did not
 * create here. A peer token for every repository must not claim (rename, clear) a repository
 * this server's people made, so that needs: an admin or the operator's scoping of the token to
 * it, a mapping it already has, or a copy coming home (it pulled the repository from us, or
 * we pushed it to that same instance).
 */
async function mayAdoptRepository(tx: Queryable, caller: SyncCaller, localId: number): Promise<boolean> {
  if (caller.kind === 'admin') return true;
  if (caller.repositoryIds?.includes(localId)) return true;
  if (await isMappedLocal(tx, caller.peerKey, 'repository', localId)) return true;
  const exported = await tx.query('SELECT 1 FROM sync_exports WHERE peer_key = $1 AND repository_id = $2', [
    caller.peerKey,
    localId,
  ]);
  if (exported.length > 0) return true;
  if (!caller.peerKey.startsWith('instance:')) return false;
  const sent = await tx.query(
    `SELECT 1 FROM sync_sent_map m JOIN sync_targets t ON t.id = m.target_id
      WHERE m.entity = 'repository' AND m.local_id = $1 AND t.instance_uid = $2 LIMIT 1`,
    [localId, caller.peerKey.slice('instance:'.length)],
  );
  return sent.length > 0;
}

export async function upsertRepository(
  db: Database,
  caller: SyncCaller,
  input: RepositoryUpsertRequest,
): Promise<{
  repository_id: number;
  name: string;
  result: 'created' | 'updated' | 'unchanged';
  /** The peer's url was not http(s) and was stored empty (it ends up in every reader's link). */
  url_emptied: boolean;
}> {
  caller = callerForRepository(caller, input.repository_id);
  return writeTransaction(db, async (tx) => {
    const mapped = await lookupMapped(tx, caller.peerKey, 'repository', [input.repository_id]);
    let localId = mapped.get(input.repository_id);
    if (localId === undefined && input.uid) {
      const owner = await tx.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [input.uid]);
      if (owner[0]) {
        localId = Number(owner[0].id);
        requireRepository(caller, localId);
        await lockRepository(tx, localId);
        if (!(await mayAdoptRepository(tx, caller, localId)))
          throw new ForbiddenError(
            `Repository uid "${input.uid}" names a repository that already exists on this server and was not received from you; ` +
              'a peer may only write repositories it created here. Ask this server’s operator for a peer token scoped to that repository.',
          );
        await saveMappings(tx, caller.peerKey, 'repository', [{ remoteId: input.repository_id, localId }]);
      }
    }
    const url = safeHttpUrlOrEmpty(input.url);
    const url_emptied = url !== input.url;
    const values = REPOSITORY_FIELDS.map((field) => (field === 'url' ? url : input[field]));
    if (localId === undefined) {
      requireAnyRepository(caller);
      const taken = input.uid ? await tx.query('SELECT 1 FROM repositories WHERE uid = $1', [input.uid]) : [];
      const uid = input.uid && taken.length === 0 ? input.uid : randomUid();
      const rows = await tx.query<{ id: number }>(
        `INSERT INTO repositories (uid, ${REPOSITORY_FIELDS.join(', ')}, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE($11::timestamptz, now()), COALESCE($12::timestamptz, now()))
         RETURNING id`,
        [uid, ...values, input.created_at, input.updated_at],
      );
      const createdId = Number(rows[0]!.id);
      await saveMappings(tx, caller.peerKey, 'repository', [
        { remoteId: input.repository_id, localId: createdId },
      ]);
      return { repository_id: createdId, name: input.name, result: 'created', url_emptied };
    }
    requireRepository(caller, localId);
    await lockRepository(tx, localId);
    const changed = await tx.query(
      `UPDATE repositories SET ${REPOSITORY_FIELDS.map((field, index) => `${field} = $${index + 2}`).join(', ')},
              deleted = false, updated_at = COALESCE($11::timestamptz, now())
        WHERE id = $1 AND ((${REPOSITORY_FIELDS.join(', ')}) IS DISTINCT FROM (${REPOSITORY_FIELDS.map((_, index) => `$${index + 2}`).join(', ')})
              OR deleted OR ($11::timestamptz IS NOT NULL AND updated_at IS DISTINCT FROM $11::timestamptz))
        RETURNING id`,
      [localId, ...values, input.updated_at],
    );
    return {
      repository_id: localId,
      name: input.name,
      result: changed.length > 0 ? 'updated' : 'unchanged',
      url_emptied,
    };
  });
}

/**
 * Our repository for the peer's `repository_id`. openDeepWiki's first design sent the id the
 * receiver answered with instead, so our own id is accepted too, but only for a repository
 * this peer created or adopted here.
 */
export async function resolveRepository(
  tx: Queryable,
  caller: SyncCaller,
  remoteRepositoryId: number,
): Promise<number> {
  const mapped = await lookupMapped(tx, caller.peerKey, 'repository', [remoteRepositoryId]);
  let localId = mapped.get(remoteRepositoryId);
  if (localId === undefined && (await isMappedLocal(tx, caller.peerKey, 'repository', remoteRepositoryId)))
    localId = remoteRepositoryId;
  if (localId === undefined)
    throw new NotFoundError(
      `Repository ${remoteRepositoryId} of this peer (send repository-upsert for it first)`,
    );
  requireRepository(caller, localId);
  // A receive reads the repository's mapped rows to decide what to write: it has them to itself.
  await lockRepository(tx, localId);
  return localId;
}

/** Tombstones every task and document of the repository; mappings stay, so rows come back. */
export async function clearRepository(
  db: Database,
  caller: SyncCaller,
  remoteRepositoryId: number,
): Promise<number> {
  caller = callerForRepository(caller, remoteRepositoryId);
  return writeTransaction(db, async (tx) => {
    const localId = await resolveRepository(tx, caller, remoteRepositoryId);
    await clearLocalRepository(tx, localId);
    return localId;
  });
}

/** `repository-clear`: the peer's copy starts over, so this server's copy is tombstoned first. */
export async function clearLocalRepository(tx: Queryable, localRepositoryId: number): Promise<void> {
  await tombstoneRepositoryContents(tx, localRepositoryId);
}

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

/**
 * Writes rows in a savepoint; if the set-based write fails (a constraint), each row is
 * retried alone so that one bad row fails alone.
 */
