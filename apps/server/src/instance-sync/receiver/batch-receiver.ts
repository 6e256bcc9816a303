// `batch-upsert` (ours): tasks, then documents, then links, every id the sender's and
// resolved through the sender's mapping. Rows are checked one by one and staged before the
// repository lock is taken (see row-apply.ts), then written set-based in a savepoint; if that
// fails, row by row, so one bad row fails alone.
import {
  batchDocumentRowSchema,
  batchTaskRowSchema,
  wireMetadataProblem,
  type BatchDocumentRow,
  type BatchTaskRow,
  type BatchLinks,
  type BatchRowOutcome,
  type BatchUpsertResponse,
  type RepositoryUpsertRequest,
} from '@wikisync/shared';
import type { z } from 'zod';
import { writeTransaction, type Database, type Queryable } from '../../db/database.js';
import { ValidationError } from '../../errors.js';
import { describeIssues } from '../../http/validate.js';
import { localIds, lookupMapped, lookupMappedRows, type MappedRow } from '../wire/id-map.js';
import { applyRows, readRows, type AppliedRow, type RowsRead } from './row-apply.js';
import { stageRows, DOCUMENT_TABLE, TASK_TABLE, type IncomingRow, type TableSpec } from './row-stage.js';
import { incomingDocument, incomingTask } from './incoming-rows.js';
import { findRepository, upsertRepositoryIn } from './receiver.js';
import { lockRepository } from '../../db/repository-locks.js';
import { forgetPending, setPeerReferences, type PeerReference } from './links.js';
import {
  emptyUidReferences,
  resolveUidReferences,
  UID_REFERENCES,
  UID_REFERENCES_OF,
  type UidReferenceField,
  type UidReferences,
} from './uid-references.js';
import { replaceTaskUsages, type TaskUsage } from '../../tasks/task-usage-store.js';
import { callerForRepository, type SyncCaller } from '../peer-auth/sync-caller.js';

async function applyIsolated(
  tx: Queryable,
  spec: TableSpec,
  peerKey: string,
  localRepositoryId: number,
  rows: IncomingRow[],
  /** `readRows` of `rows` (or more), sent ahead with the caller's reads under the lock. */
  read?: Promise<RowsRead>,
): Promise<(AppliedRow & { error?: string })[]> {
  if (rows.length === 0) return [];
  // Staged outside the savepoint: the row-by-row retry reads the same stage.
  await stageRows(tx, spec, rows);
  try {
    // The savepoint goes out with the first statements of the write, not a round trip before
    // them: the repository's lock is held, and every round trip under it is one its next writer
    // waits. For the same reason it is not released: it ends with the transaction, and a later
    // `sync_batch` of the same transaction is the one a rollback returns to.
    const [, applied] = await Promise.all([
      tx.query('SAVEPOINT sync_batch'),
      applyRows(tx, spec, peerKey, localRepositoryId, rows, read),
    ]);
    return applied;
  } catch {
    await tx.query('ROLLBACK TO SAVEPOINT sync_batch');
  }
  const results: (AppliedRow & { error?: string })[] = [];
  for (const row of rows) {
    await tx.query('SAVEPOINT sync_row');
    try {
      results.push(...(await applyRows(tx, spec, peerKey, localRepositoryId, [row])));
      await tx.query('RELEASE SAVEPOINT sync_row');
    } catch (error) {
      await tx.query('ROLLBACK TO SAVEPOINT sync_row');
      results.push({
        remoteId: row.remoteId,
        localId: null,
        result: 'failed',
        error: `could not be stored: ${(error as Error).message}`,
      });
    }
  }
  return results;
}

function outcome(applied: AppliedRow & { error?: string }): BatchRowOutcome {
  return {
    id: applied.remoteId ?? 0,
    local_id: applied.localId,
    result: applied.result,
    ...(applied.error ? { error: applied.error } : {}),
  };
}

/** A batch's rows once checked: what to write, and the outcomes of the rows that failed. */
export interface CheckedBatch {
  taskOutcomes: BatchRowOutcome[];
  documentOutcomes: BatchRowOutcome[];
  goodTasks: IncomingRow[];
  /** Documents wait for their task's local id, which is known only under the lock. */
  candidates: { row: Pick<BatchDocumentRow, 'document_id' | 'task_id'>; incoming: IncomingRow }[];
  /** Rows kept without their metadata (over the limits): said in their outcome. */
  taskNotes: Map<number, string>;
  documentNotes: Map<number, string>;
  /** Per sender task id: the task it waits for, and its usages when the row carries them. */
  runAfter: Map<number, number | null>;
  usages: Map<number, TaskUsage[]>;
  /**
   * References the rows carry by uid (a task's `doc_uid` and `run_after_uid`, a document's
   * `replaced_by_uid`), with their ids.
   */
  uidReferences: UidReferences;
}

export function emptyCheckedBatch(): CheckedBatch {
  return {
    taskOutcomes: [],
    documentOutcomes: [],
    goodTasks: [],
    candidates: [],
    taskNotes: new Map(),
    documentNotes: new Map(),
    runAfter: new Map(),
    usages: new Map(),
    uidReferences: emptyUidReferences(),
  };
}

/**
 * A document row as the schemas read it, added to `batch` as a candidate or as a failed
 * outcome. `staged` is its stage key when its values are already in the stage. Answers the
 * row to write, if it is good.
 */
export function checkDocument(batch: CheckedBatch, raw: unknown, staged?: number): IncomingRow | undefined {
  const parsed = batchDocumentRowSchema.safeParse(raw);
  if (!parsed.success) {
    batch.documentOutcomes.push(refused(raw, 'document_id', parsed.error));
    return undefined;
  }
  noteDroppedMetadata(batch.documentNotes, parsed.data.document_id, raw);
  const incoming = incomingDocument(parsed.data.document_id, parsed.data, null);
  if (staged !== undefined) incoming.staged = staged;
  batch.candidates.push({ row: parsed.data, incoming });
  addDocumentReference(batch, parsed.data);
  return incoming;
}

/** The newer version a document row carries by uid, if it does. */
function addDocumentReference(
  batch: CheckedBatch,
  row: Pick<BatchDocumentRow, 'document_id' | 'replaced_by' | 'replaced_by_uid'>,
): void {
  if (row.replaced_by_uid === undefined) return;
  batch.uidReferences.replaced_by.set(row.document_id, {
    uid: row.replaced_by_uid,
    remoteId: row.replaced_by ?? null,
  });
}

/**
 * A task row as the schemas read it, added to `batch` as a good task or a failed outcome.
 * `staged` is its stage key when its values are already in the stage. Answers the row to
 * write, if it is good.
 */
export function checkTask(batch: CheckedBatch, raw: unknown, staged?: number): IncomingRow | undefined {
  const parsed = batchTaskRowSchema.safeParse(raw);
  if (!parsed.success) {
    batch.taskOutcomes.push(refused(raw, 'task_id', parsed.error));
    return undefined;
  }
  const row = parsed.data;
  noteDroppedMetadata(batch.taskNotes, row.task_id, raw);
  const incoming = incomingTask(row.task_id, row);
  if (staged !== undefined) incoming.staged = staged;
  addTaskExtras(batch, incoming, row);
  return incoming;
}

/** A task row's own row to write, and what it carries beside its columns. */
function addTaskExtras(
  batch: CheckedBatch,
  incoming: IncomingRow,
  row: Pick<BatchTaskRow, 'task_id' | 'run_after' | 'task_usages' | 'doc_uid' | 'doc_id' | 'run_after_uid'>,
): void {
  batch.goodTasks.push(incoming);
  const { task_id: taskId, doc_uid: docUid, run_after_uid: runAfterUid } = row;
  batch.runAfter.set(taskId, row.run_after);
  if (row.task_usages) batch.usages.set(taskId, row.task_usages);
  if (docUid !== undefined) batch.uidReferences.doc.set(taskId, { uid: docUid, remoteId: row.doc_id });
  if (runAfterUid !== undefined)
    batch.uidReferences.run_after.set(taskId, { uid: runAfterUid, remoteId: row.run_after });
}

/**
 * A task row staged as the schemas would have staged it (row-stage.ts `stagePgText`, a plain
 * row, whose usages are none), added to `batch` as a good task: only its wire fields are known.
 */
export function addStagedTask(
  batch: CheckedBatch,
  staged: number,
  wire: Pick<BatchTaskRow, 'task_id' | 'run_after' | 'doc_uid' | 'doc_id' | 'run_after_uid'> & {
    uid: string;
    deleted: boolean;
  },
): void {
  addTaskExtras(batch, stagedIncoming(wire.task_id, wire, staged, {}), { ...wire, task_usages: [] });
}

/**
 * A document row staged as the schemas would have staged it (row-stage.ts `stagePgText`, a
 * plain row), added to `batch` as a candidate: only its wire fields are known here.
 */
export function addStagedDocument(
  batch: CheckedBatch,
  staged: number,
  wire: Pick<BatchDocumentRow, 'document_id' | 'task_id' | 'replaced_by' | 'replaced_by_uid'> & {
    uid: string;
    deleted: boolean;
  },
): void {
  batch.candidates.push({
    row: { document_id: wire.document_id, task_id: wire.task_id },
    // Its task is resolved under the lock.
    incoming: stagedIncoming(wire.document_id, wire, staged, { task_id: null }),
  });
  addDocumentReference(batch, wire);
}

/**
 * A row whose values are all in the stage (`staged` its key): `values` holds only the columns
 * resolved under the lock, its times are read from the stage too.
 */
function stagedIncoming(
  remoteId: number,
  wire: { uid: string; deleted: boolean },
  staged: number,
  values: Record<string, unknown>,
): IncomingRow {
  return { remoteId, uid: wire.uid, deleted: wire.deleted, values, createdAt: null, updatedAt: null, staged };
}

/** `batch-upsert`'s request as the schema reads it. */
interface BatchInput {
  repository_id: number;
  repository?: RepositoryUpsertRequest | undefined;
  missing_tasks?: boolean | undefined;
  tasks: unknown[];
  documents: unknown[];
  links?: BatchLinks | undefined;
}

/**
 * `batch-upsert`: the repository when the request carries it, then tasks, documents and links;
 * all ids the sender's.
 */
export async function applyBatch(
  db: Database,
  caller: SyncCaller,
  input: BatchInput,
): Promise<BatchUpsertResponse> {
  const check = () => {
    const batch = emptyCheckedBatch();
    for (const raw of input.tasks) checkTask(batch, raw);
    for (const raw of input.documents) checkDocument(batch, raw);
    return batch;
  };
  const options = { missingTasks: input.missing_tasks === true };
  const repository = input.repository;
  if (repository) {
    if (repository.repository_id !== input.repository_id)
      throw new ValidationError(
        `repository.repository_id ${repository.repository_id} is not the request's repository_id ${input.repository_id}; ` +
          'a batch may only carry the repository its rows belong to.',
      );
    // One transaction for the repository and the rows: a small push is one round trip and one
    // commit. Rows are checked in it (a few hundred at most, `SMALL_PUSH_DOCUMENTS` on the
    // sender's side), afresh on each attempt, since a write retried after a lost race starts over.
    return writeTransaction(db, async (tx) => {
      const upserted = await upsertRepositoryIn(tx, caller, repository);
      const answer = await writeBatch(tx, caller, input.repository_id, check(), input.links, {
        ...options,
        localRepositoryId: upserted.repository_id,
      });
      const { repository_id, name, result } = upserted;
      return { ...answer, repository: { repository_id, name, result } };
    });
  }
  // Checked before any transaction: a batch of thousands of rows costs milliseconds of
  // validation that no other writer should wait for.
  const batch = check();
  return db.transaction((tx) => writeBatch(tx, caller, input.repository_id, batch, input.links, options));
}

/** How `writeBatch` treats what the rows do not say. */
export interface WriteBatchOptions {
  /** Our id of the repository, when the caller has just resolved it (a carried repository). */
  localRepositoryId?: number;
  /**
   * A document whose task the request does not carry and that is deleted here fails with
   * `missing: 'task'`, as one whose task was never received does: the sender (the
   * `missing_tasks` option) sends such documents again with their tasks, which revive them.
   */
  missingTasks?: boolean;
}

/**
 * Writes checked rows in the caller's transaction: stages what is not staged yet, takes the
 * repository's lock, then tasks, documents and links, as `batch-upsert` does.
 */
export async function writeBatch(
  tx: Queryable,
  caller: SyncCaller,
  repositoryId: number,
  batch: CheckedBatch,
  links?: BatchLinks,
  options: WriteBatchOptions = {},
): Promise<BatchUpsertResponse> {
  caller = callerForRepository(caller, repositoryId);
  const {
    taskOutcomes,
    documentOutcomes,
    goodTasks,
    candidates,
    taskNotes,
    documentNotes,
    runAfter,
    usages,
    uidReferences,
  } = batch;
  await stageRows(tx, TASK_TABLE, goodTasks);
  await stageRows(
    tx,
    DOCUMENT_TABLE,
    candidates.map((candidate) => candidate.incoming),
  );
  // Locks the repository (receiver.ts): staging above holds no lock any writer waits for. The
  // lock goes out with the statements after it, which the database runs once it is granted:
  // a round trip less under it. Each step waits for it too, so its failure is the one reported.
  const localRepositoryId = options.localRepositoryId ?? (await findRepository(tx, caller, repositoryId));
  const locked = lockRepository(tx, localRepositoryId);
  const underLock = <T>(work: Promise<T>): Promise<T> =>
    Promise.all([locked, work]).then(([, value]) => value);
  /**
   * `readRows` sent now, with the reads before it, so that a chunk's writes are one round trip
   * after the lock's (each round trip under it waits for this process's event loop, which on
   * a busy receiver is the next requests' staging). Its failure is met where it is awaited.
   */
  const readAhead = (spec: TableSpec, rows: readonly IncomingRow[]) => {
    const read = underLock(readRows(tx, spec, caller.peerKey, localRepositoryId, rows));
    read.catch(() => {});
    return read;
  };
  if (goodTasks.length > 0) {
    const taskRead = readAhead(TASK_TABLE, goodTasks);
    // References the rows carry by uid: written with the task, or linked by the sender's id.
    const [docById, runAfterById] = await underLock(
      Promise.all(
        UID_REFERENCES_OF.tasks.map((field) =>
          resolveUidReferences(tx, caller.peerKey, localRepositoryId, field, uidReferences[field]),
        ),
      ),
    );
    const byId = { doc: docById!, run_after: runAfterById! };
    carryUidReferences(goodTasks, UID_REFERENCES_OF.tasks, uidReferences, byId);
    const appliedTasks = await underLock(
      applyIsolated(tx, TASK_TABLE, caller.peerKey, localRepositoryId, goodTasks, taskRead),
    );
    for (const applied of appliedTasks) taskOutcomes.push(outcome(applied));
    await applyTaskExtras(tx, caller.peerKey, localRepositoryId, appliedTasks, {
      runAfter,
      usages,
      uidReferences,
      byId,
    });
  }

  const taskIds = candidates.filter(({ row }) => row.task_id !== null).map(({ row }) => row.task_id!);
  const documentRead =
    candidates.length > 0
      ? readAhead(
          DOCUMENT_TABLE,
          candidates.map((candidate) => candidate.incoming),
        )
      : undefined;
  // After the tasks' writes: a document may name a task of this very batch.
  const [mappedTasks, replacedById] = await underLock(
    Promise.all([
      lookupMappedRows(tx, caller.peerKey, 'task', taskIds, localRepositoryId),
      resolveUidReferences(tx, caller.peerKey, localRepositoryId, 'replaced_by', uidReferences.replaced_by),
    ]),
  );
  const deletedTasks = options.missingTasks ? deletedAndNotCarried(mappedTasks, goodTasks) : null;
  const goodDocuments = withLocalTasks(candidates, localIds(mappedTasks), documentOutcomes, deletedTasks);
  const documentById = { replaced_by: replacedById };
  carryUidReferences(goodDocuments, UID_REFERENCES_OF.documents, uidReferences, documentById);
  const appliedDocuments = await applyIsolated(
    tx,
    DOCUMENT_TABLE,
    caller.peerKey,
    localRepositoryId,
    goodDocuments,
    documentRead,
  );
  for (const applied of appliedDocuments) documentOutcomes.push(outcome(applied));
  await writeReferences(
    tx,
    caller.peerKey,
    localRepositoryId,
    referenceWrites(liveRows(appliedDocuments), UID_REFERENCES_OF.documents, uidReferences, documentById),
  );

  const applied = links ? await applyBatchLinks(tx, caller.peerKey, localRepositoryId, links) : undefined;
  return {
    repository_id: localRepositoryId,
    tasks: withNotes(taskOutcomes, taskNotes),
    documents: withNotes(documentOutcomes, documentNotes),
    ...(applied ? { links: applied } : {}),
  };
}

// The loops over a batch's rows are functions of their own, apart from `writeBatch`: a loop
// over thousands of rows makes its function hot, and the engine then compiled the whole of
// `writeBatch` (an async function, with all it calls) for ~80 ms, and again after each
// deoptimisation, on the first push of a process (bench instance-sync, --trace-opt).

/** Per reference, by the sender's id of the row: those linked by the sender's id of their target. */
type LinkedById<F extends UidReferenceField> = Record<F, ReadonlyMap<number, number>>;

/**
 * Sets on each row the references of `fields` it carries by uid (`uidReferences`) and that
 * are written with the row: those not linked by the sender's id of their target instead
 * (`byId`).
 */
function carryUidReferences<F extends UidReferenceField>(
  rows: readonly IncomingRow[],
  fields: readonly F[],
  uidReferences: UidReferences,
  byId: LinkedById<F>,
): void {
  for (const row of rows) {
    if (row.remoteId === null) continue;
    // One new object per row (a spread with a computed key per reference made the engine
    // build each as a dictionary, tens of milliseconds a full push).
    let carried: IncomingRow['uidReferences'];
    for (const field of fields) {
      const uid = uidReferences[field].get(row.remoteId)?.uid;
      if (uid === undefined || byId[field].has(row.remoteId)) continue;
      (carried ??= { ...row.uidReferences })[UID_REFERENCES[field].column] = uid;
    }
    if (carried) row.uidReferences = carried;
  }
}

/**
 * The candidate documents whose task is known here (`taskMap`: the sender's task id → ours),
 * with our task id; the others fail, each with an outcome that says why.
 */
function withLocalTasks(
  candidates: CheckedBatch['candidates'],
  taskMap: ReadonlyMap<number, number>,
  outcomes: BatchRowOutcome[],
  /** The sender's ids of tasks deleted here that the request does not carry (`missingTasks`). */
  deletedTasks: ReadonlySet<number> | null,
): IncomingRow[] {
  const documents: IncomingRow[] = [];
  for (const { row, incoming } of candidates) {
    const localTaskId = row.task_id === null ? null : taskMap.get(row.task_id);
    if (localTaskId === undefined || (row.task_id !== null && deletedTasks?.has(row.task_id))) {
      outcomes.push({
        id: row.document_id,
        local_id: null,
        result: 'failed',
        error:
          localTaskId === undefined
            ? `task_id ${row.task_id} has not been received; send its task first.`
            : `task_id ${row.task_id} is deleted on this server; send its task again with the document.`,
        missing: 'task',
      });
      continue;
    }
    documents.push({ ...incoming, values: { ...incoming.values, task_id: localTaskId } });
  }
  return documents;
}

/** The sender's ids of tasks deleted here (`mapped`) that no row of `tasks` carries. */
function deletedAndNotCarried(
  mapped: ReadonlyMap<number, MappedRow>,
  tasks: readonly IncomingRow[],
): Set<number> {
  const carried = new Set(tasks.map((task) => task.remoteId));
  const deleted = new Set<number>();
  for (const [remoteId, row] of mapped) if (row.deleted && !carried.has(remoteId)) deleted.add(remoteId);
  return deleted;
}

function noteDroppedMetadata(notes: Map<number, string>, id: number, raw: unknown): void {
  const problem = wireMetadataProblem((raw as { metadata?: unknown }).metadata);
  if (problem) notes.set(id, `stored without its metadata, which ${problem}`);
}

function withNotes(outcomes: BatchRowOutcome[], notes: ReadonlyMap<number, string>): BatchRowOutcome[] {
  return outcomes.map((row) =>
    row.result !== 'failed' && notes.has(row.id) ? { ...row, error: notes.get(row.id)! } : row,
  );
}

/** The outcome of a row its schema refused, under the id it carries in `field` (0 if none). */
function refused(raw: unknown, field: string, error: z.ZodError): BatchRowOutcome {
  return { id: rawId(raw, field), local_id: null, result: 'failed', error: describeIssues(error) };
}

function rawId(raw: unknown, field: string): number {
  const value = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[field] : undefined;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : 0;
}

/**
 * What a task row carries beside its columns: the task it waits for (the sender's id, set now
 * or when that task arrives) and, when sent, the whole list of its usages.
 */
async function applyTaskExtras(
  tx: Queryable,
  peerKey: string,
  localRepositoryId: number,
  applied: readonly AppliedRow[],
  extras: TaskExtras,
): Promise<void> {
  const { references, usages } = taskExtraWrites(applied, extras);
  // Different tables: sent together.
  await Promise.all([
    writeReferences(tx, peerKey, localRepositoryId, references),
    replaceTaskUsages(tx, usages),
  ]);
}

interface TaskExtras {
  runAfter: ReadonlyMap<number, number | null>;
  usages: ReadonlyMap<number, TaskUsage[]>;
  uidReferences: UidReferences;
  /** References linked by the sender's id of their target instead of the uid sent. */
  byId: LinkedById<'doc' | 'run_after'>;
}

/** Per reference: the rows whose pending link is forgotten, and the links to set by id. */
type ReferenceWrites = { field: UidReferenceField; forget: number[]; link: PeerReference[] }[];

/** A row written (not failed, not deleted) that the sender named. */
type LiveRow = AppliedRow & { remoteId: number; localId: number };

const liveRows = (applied: readonly AppliedRow[]): LiveRow[] =>
  applied.filter(
    (row): row is LiveRow =>
      row.remoteId !== null && row.localId !== null && row.result !== 'failed' && row.result !== 'deleted',
  );

/**
 * Per reference of `fields`: the rows that carried it by uid were written with it, and what a
 * link of theirs waited for is forgotten (a row created just now has none); those linked by
 * the sender's id of their target (`byId`) are linked now. A row that does not carry the
 * reference keeps it as it is. A function of its own, so that its loops over a batch's rows
 * do not make the engine compile the async function around it.
 */
function referenceWrites<F extends UidReferenceField>(
  live: readonly LiveRow[],
  fields: readonly F[],
  uidReferences: UidReferences,
  byId: LinkedById<F>,
): ReferenceWrites {
  return fields.map((field) => {
    const carried = live.filter((row) => uidReferences[field].has(row.remoteId));
    const link: PeerReference[] = carried
      .filter((row) => byId[field].has(row.remoteId))
      .map((row) => ({ localId: row.localId, remoteTarget: byId[field].get(row.remoteId)! }));
    const forget = carried
      .filter((row) => row.result !== 'created' && !byId[field].has(row.remoteId))
      .map((row) => row.localId);
    return { field, forget, link };
  });
}

/** `referenceWrites`, sent together. */
async function writeReferences(
  tx: Queryable,
  peerKey: string,
  localRepositoryId: number,
  references: ReferenceWrites,
): Promise<void> {
  await Promise.all(
    references.flatMap(({ field, forget, link }) => [
      forgetPending(tx, field, forget),
      setPeerReferences(tx, peerKey, localRepositoryId, field, link),
    ]),
  );
}

/**
 * What `applyTaskExtras` writes for the applied tasks: their references (`referenceWrites`;
 * a task without `run_after_uid` is linked by its `run_after`, as before, and one without
 * `doc_uid` keeps its document, which the end's links set) and the usages by our task id.
 */
function taskExtraWrites(
  applied: readonly AppliedRow[],
  { runAfter, usages, uidReferences, byId }: TaskExtras,
): { references: ReferenceWrites; usages: Map<number, TaskUsage[]> } {
  const live = liveRows(applied);
  const references = referenceWrites(live, UID_REFERENCES_OF.tasks, uidReferences, byId);
  const runAfterLinks = references.find((reference) => reference.field === 'run_after')!.link;
  for (const row of live)
    if (!uidReferences.run_after.has(row.remoteId))
      runAfterLinks.push({ localId: row.localId, remoteTarget: runAfter.get(row.remoteId) ?? null });
  const usagesByLocalId = new Map<number, TaskUsage[]>();
  for (const row of live) {
    const list = usages.get(row.remoteId);
    // A task created just now has no usages to replace with none.
    if (list && (list.length > 0 || row.result !== 'created')) usagesByLocalId.set(row.localId, list);
  }
  return { references, usages: usagesByLocalId };
}

/**
 * Sideways references by the sender's ids. A reference from a row not received is counted
 * missing; one to a row not received yet is set when that row arrives (links.ts).
 */
export async function applyBatchLinks(
  tx: Queryable,
  peerKey: string,
  localRepositoryId: number,
  links: BatchLinks,
) {
  const lookup = (entity: 'task' | 'document', ids: number[]) =>
    lookupMapped(tx, peerKey, entity, ids, localRepositoryId);
  const taskMap = await lookup(
    'task',
    links.tasks.map((link) => link.task_id),
  );
  const documentMap = await lookup(
    'document',
    links.documents.map((link) => link.document_id),
  );
  let missing = 0;
  const taskReferences = links.tasks.flatMap((link) => {
    const localId = taskMap.get(link.task_id);
    if (localId === undefined) return (missing++, []);
    return [{ localId, remoteTarget: link.doc_id }];
  });
  const documentReferences = links.documents.flatMap((link) => {
    const localId = documentMap.get(link.document_id);
    if (localId === undefined) return (missing++, []);
    return [{ localId, remoteTarget: link.replaced_by }];
  });
  const docs = await setPeerReferences(tx, peerKey, localRepositoryId, 'doc', taskReferences);
  const versions = await setPeerReferences(tx, peerKey, localRepositoryId, 'replaced_by', documentReferences);
  return { applied: docs.applied + versions.applied, missing: missing + docs.pending + versions.pending };
}
