// The batched push between two of our servers: changed tasks, then documents in batches cut
// by rows and bytes with several requests in flight, then the links; all ids the sender's, so
// the receiver needs no round trip per row. A small push (a few edits) goes as one request
// carrying all three. Offered by the receiver's ping capabilities. A receiver that also offers
// `copy-v1` gets the task and document rows as compact JSON lines (`copy-upsert`), each row
// encoded once and the requests cut by those bytes; the links and a small push stay batches.
// One that offers `pg-text-v1` and `pg-text-tasks-v1` gets documents and changed tasks as the
// database's own COPY text, which no process decodes on the way.
import {
  COPY_FORMAT,
  DOCUMENT_FIELDS,
  fieldEntries,
  TASK_FIELDS,
  type FieldTable,
  DOC_UID_REFERENCE,
  RUN_AFTER_UID_REFERENCE,
  REPLACED_BY_UID_REFERENCE,
  encodeCopyHeader,
  encodeCopyRow,
  PG_TEXT_DOCUMENT_COLUMNS,
  PG_TEXT_DOCUMENT_REFERENCE_COLUMNS,
  PG_TEXT_FORMAT,
  PG_TEXT_TASK_COLUMNS,
  PG_TEXT_TASKS_FORMAT,
  BATCH_MISSING_TASKS,
  BATCH_REPOSITORY,
  type BatchRowOutcome,
  type BatchUpsertRequest,
  type BatchUpsertResponse,
  type CopyUpsertHeader,
} from '@wikisync/shared';
import { PeerRequestError } from '../../../errors.js';
import { probeOne } from '../../../db/sql-lists.js';
import { byteLengthOf } from '../../wire/line-bytes.js';
import { loadDocuments, loadReferenceUids, loadTasks, type PlannedDocument } from './push-plan.js';
import type { ProgressTracker } from '../progress-tracker.js';
import { UnitProgress } from './unit-progress.js';
import { documentWireRow, usageWireRow, type WireRow } from '../../wire/wire-rows.js';
import { loadTaskUsages, usageListSql } from '../../../tasks/task-usage-store.js';
import {
  checkCancelled,
  isFatal,
  now,
  type PushContext,
  type PushResult,
  type RepositoryUpsert,
} from './push-context.js';

/**
 * A task this push sends: changed (its row is read when it is sent) or for context (`row`,
 * read before the first request: a few hundred, none in a full push).
 */
interface TaskToSend {
  id: number;
  deleted: boolean;
  row: WireRow | null;
}

function failedOutcome(id: number, error: unknown): BatchRowOutcome {
  return { id, local_id: null, result: 'failed', error: (error as Error).message };
}

function recordOutcomes(
  tracker: ProgressTracker,
  entity: 'task' | 'document',
  outcomes: readonly BatchRowOutcome[],
  titleOf: (id: number) => string,
  startedAt: string,
): number {
  let failures = 0;
  for (const outcome of outcomes) {
    if (outcome.result === 'failed') failures++;
    tracker.record({
      entity,
      title: titleOf(outcome.id),
      status: outcome.result,
      sourceId: outcome.id,
      targetId: outcome.local_id,
      error: outcome.error ?? null,
      startedAt,
    });
  }
  return failures;
}

/** Splits rows into chunks of at most `maxRows` rows and about `maxBytes` of JSON. */
function chunkBySize<T>(
  rows: readonly T[],
  maxRows: number,
  maxBytes: number,
  sizeOf: (row: T) => number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = sizeOf(row);
    if (current.length > 0 && (current.length >= maxRows || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A row for `copy-upsert`: its line (values in the request's column order) and the row. */
interface Encoded {
  line: string;
  /** The line's size in UTF-8 with its newline: what a request's byte limit counts. */
  bytes: number;
  row: WireRow;
  /** The columns of its line; rows with the same fields share the one array. */
  columns: string[];
}

/**
 * Rows grouped by the fields they carry, each group with its `copy-upsert` columns (the id
 * first): a field a row does not carry must not travel as null, which a receiver reads
 * differently (a task's absent `task_usages` leaves its usages alone).
 */
function byFields(rows: readonly WireRow[]): { columns: string[]; rows: WireRow[] }[] {
  const groups = new Map<string, { columns: string[]; rows: WireRow[] }>();
  for (const row of rows) {
    const keys = Object.keys(row).filter((key) => row[key] !== undefined);
    const id = keys.includes('document_id') ? 'document_id' : 'task_id';
    const columns = [id, ...keys.filter((key) => key !== id)];
    const signature = columns.join(',');
    const group = groups.get(signature) ?? groups.set(signature, { columns, rows: [] }).get(signature)!;
    group.rows.push(row);
  }
  return [...groups.values()];
}

function encode(columns: string[], row: WireRow): Encoded {
  const line = encodeCopyRow(columns, row);
  return { line, bytes: Buffer.byteLength(line) + 1, row, columns };
}

/**
 * The rows of one request's worth (at most `max_batch_rows`, ~2,000), encoded by groups of the
 * same fields. A chunk at a time: all rows of a push at once held the event loop for hundreds
 * of milliseconds on a busy machine, and with it the progress heartbeat and every status
 * stream (bench `instance-sync-load`).
 */
function encodeChunk(rows: readonly WireRow[]): Encoded[] {
  return byFields(rows).flatMap((group) => group.rows.map((row) => encode(group.columns, row)));
}

/**
 * A column of `table` as COPY text carries it: times to the millisecond, as the JSON wires
 * carry them (`isoTime`), so that a row sent as COPY text and later as JSON (a small push, a
 * task sent for context) is the same row to the receiver, not an update of every time.
 */
function atWirePrecision(table: FieldTable) {
  const times = new Set(
    fieldEntries(table).flatMap(([field, spec]) => (spec.type.name === 'time' ? [field] : [])),
  );
  return (name: string, expression: string) =>
    times.has(name) ? `date_trunc('milliseconds', ${expression})` : expression;
}
const documentTime = atWirePrecision(DOCUMENT_FIELDS);
const taskTime = atWirePrecision(TASK_FIELDS);

/** Ids written into a COPY's SELECT, which takes no parameters: the plan's integers, checked again. */
const idLiterals = (ids: readonly number[]) => ids.filter((id) => Number.isSafeInteger(id)).join(', ');

/**
 * The `pg-text-v1` rows of these documents, straight out of the database as COPY text: the
 * columns of PG_TEXT_DOCUMENT_COLUMNS, or of PG_TEXT_DOCUMENT_REFERENCE_COLUMNS (the newer
 * version by the sender's id and by uid, null for none, as `document_rows` reads it).
 */
function pgTextSelect(columns: readonly string[]) {
  const expressions: Record<string, string> = {
    document_id: 'd.id',
    replaced_by: 'r.id',
    replaced_by_uid: 'r.uid',
  };
  const select = columns.map((name) => documentTime(name, expressions[name] ?? `d.${name}`));
  // The newer version by a probe of the uid index for each document that names one: as a
  // join, the planner hashed the whole table for every chunk (4 ms a chunk of 1,000 against
  // 2; `document_rows` without its `replaced_by` drops the join altogether).
  const newer = columns.includes('replaced_by')
    ? probeOne('documents', 'r', 'id, uid', 'uid = d.replaced_by_uid', undefined, true)
    : '';
  return (ids: readonly number[]) =>
    `SELECT ${select.join(', ')} FROM documents d ${newer}
      WHERE d.id IN (${idLiterals(ids)}) ORDER BY d.id`;
}

/**
 * The `pg-text-tasks-v1` rows of these tasks, straight out of the database as COPY text: the
 * columns of PG_TEXT_TASK_COLUMNS, each reference by the sender's id and by uid (none: null,
 * as `loadReferenceUids` reads them) and the task's whole list of usages.
 */
function taskPgTextSelect(ids: readonly number[]): string {
  const expressions: Record<string, string> = {
    task_id: 't.id',
    run_after: 'a.id',
    doc_id: 'd.id',
    doc_uid: 'd.uid',
    run_after_uid: 'a.uid',
    task_usages: usageListSql('t.id'),
  };
  const columns = PG_TEXT_TASK_COLUMNS.map((name) => taskTime(name, expressions[name] ?? `t.${name}`));
  // The references as `task_rows` reads them (its `doc_id`, `run_after_id`), each by a probe of
  // the uid index: as joins (the view's, or two of our own), the planner hashed both whole
  // tables for every chunk (25 ms a chunk of 2,000 tasks, against ~8 by probes).
  return `SELECT ${columns.join(', ')}
            FROM tasks t
            ${probeOne('documents', 'd', 'id, uid', 'uid = t.doc_uid', undefined, true)}
            ${probeOne('tasks', 'a', 'id, uid', 'uid = t.run_after_uid', undefined, true)}
           WHERE t.id IN (${idLiterals(ids)}) ORDER BY t.id`;
}

/** One kind of COPY-text request: whether to send it, its header, rows and answers. */
interface PgTextKind {
  on: boolean;
  header: CopyUpsertHeader;
  /** The header line and its newline, which count against the receiver's byte limit too. */
  headerBytes: number;
  select: (ids: readonly number[]) => string;
  record: (answer: BatchUpsertResponse, startedAt: string, count: number) => void;
}

function pgTextKind(
  on: boolean,
  header: CopyUpsertHeader,
  select: PgTextKind['select'],
  record: PgTextKind['record'],
): PgTextKind {
  return { on, header, headerBytes: Buffer.byteLength(encodeCopyHeader(header)) + 1, select, record };
}

/**
 * A document's row as a request carries it, estimated from its content's size: the escapes of
 * COPY text or JSON and the other columns add a little.
 */
const estimatedBytes = (document: PlannedDocument) => Math.ceil(document.contentBytes * 1.05) + 1024;

/**
 * Documents go in chunks of about this share of the receiver's byte limit, cut by their
 * estimated size: cut by rows alone, 2,000 documents of ~4 KiB came to more than the limit, and
 * each such chunk was read out of the database whole, found too large and read again as two
 * halves (about a fifth of the sender's CPU in a full push of 11,500 documents).
 */
const DOCUMENT_CHUNK_SHARE = 0.8;

/** Links of each kind per `batch-upsert` request at the end of a push. */
const LINKS_PER_REQUEST = 5000;

/** Up to this many documents (and their tasks), a push is sent as one request. */
const SMALL_PUSH_DOCUMENTS = 200;

/**
 * Runs `work` on every item in order, at most `concurrency` at once; the first failure stops
 * the rest. `work` gets a check that says whether the pool has failed meanwhile (an item that
 * waited for another may find the push already over).
 */
async function inPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, failed: () => boolean) => Promise<void>,
) {
  const queue = [...items];
  let failed = false;
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined && !failed; next = queue.shift()) {
      try {
        await work(next, () => failed);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
}

/**
 * Runs the work it is given one at a time, in the order given: a push's reads of its chunks.
 * Read side by side, the first four chunks of a push each took as long as all four (the
 * database's CPU shared), and the receiver, whose writes are the push's bottleneck, waited
 * for all of them before it could start on the first.
 */
function oneAtATime() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = last.then(work);
    last = run.catch(() => {});
    return run;
  };
}

/** A promise with its resolve, settled once. */
function settleable(): { promise: Promise<void>; settle: () => void } {
  let settle = () => {};
  const promise = new Promise<void>((resolve) => (settle = resolve));
  return { promise, settle };
}

/**
 * Pushes the plan's rows to one of ours. `repository.ready()` settles once the receiver holds
 * the repository (push-runner.ts): rows are read meanwhile, and none is sent before (each
 * request waits for it, so that the first chunk is read while the repository is upserted),
 * unless a small push carries the repository in its one request.
 */
export async function pushBatched(
  ctx: PushContext,
  repositoryId: number,
  repository: RepositoryUpsert,
): Promise<PushResult> {
  const { client, tracker, plan, db } = ctx;
  const caps = ctx.capabilities!;
  const copy = caps.copy.includes(COPY_FORMAT);
  tracker.meta.transport = 'batch';
  // Each request is one transaction under the receiver's repository lock, with a few round
  // trips and a commit of its own: 2,000 rows a request rather than 1,000 took ~5% off a full
  // push of 10,000 tasks (bench instance-sync, five alternating pairs).
  const maxRows = Math.min(caps.max_batch_rows, 2000);
  const maxBytes = Math.min(caps.max_batch_bytes, 8 * 1024 * 1024);
  const changedIds = new Set(plan.changedTasks.map((task) => task.id));
  const contextIds = plan.touchedTaskIds.filter((id) => !changedIds.has(id));
  // A small push (a re-push after a few edits) travels as one request: tasks, documents and
  // links in one transaction on the receiver, instead of a round trip and a commit for each.
  const small =
    changedIds.size + contextIds.length + plan.documents.length <= maxRows &&
    plan.documents.length <= SMALL_PUSH_DOCUMENTS;
  // To a receiver that takes them (`batch_options`), that request carries the repository too
  // and leaves out the unchanged tasks its documents name (it is "lean"): the receiver answers
  // the documents whose task it does not hold, which go again with their tasks. Loading and
  // writing those tasks was a fifth of a re-push's CPU on both sides, for a case that is rare
  // (a task lost or deleted on the receiver). A push that clears the target upserts it first.
  const lean =
    small &&
    !ctx.clear &&
    caps.batch_options.includes(BATCH_REPOSITORY) &&
    caps.batch_options.includes(BATCH_MISSING_TASKS);
  if (!lean) repository.ready().catch(() => {});
  // Otherwise tasks reached only through a changed document travel too (a few hundred bytes
  // each), so a document never waits on a task the receiver lost; unchanged, they are not
  // recorded.
  const contextTasks = lean ? [] : await loadTasks(db, contextIds);
  // A receiver that takes a task's references by uid with its row (`doc_uid`, `run_after_uid`)
  // gets them there, and no link for the document at the end: the end's links were a tenth of
  // a full push, all under the receiver's lock. A task sent for context carries the task it
  // runs after (as its `run_after` does) but not its document, which it never had a link for.
  // Likewise a document's newer version (`replaced_by_uid`): the links at the end were then
  // only a few tasks', and for documents a last request of the push, its lookups and its
  // update of every newer version under the lock.
  const byUid = {
    doc: caps.references.includes(DOC_UID_REFERENCE),
    runAfter: caps.references.includes(RUN_AFTER_UID_REFERENCE),
    replacedBy: caps.references.includes(REPLACED_BY_UID_REFERENCE),
  };
  /**
   * Document rows as they travel in batches and copy-v1: the newer version by uid with its id
   * when the receiver takes it so, else left to the links.
   */
  const wireDocuments = (rows: readonly Record<string, unknown>[]): WireRow[] =>
    rows.map((row) => {
      const { replaced_by: replacedBy, ...wire } = documentWireRow(row);
      if (!byUid.replacedBy) return wire;
      // `document_rows` names the newer version only when it is there: then by its uid too.
      const none = row.replaced_by === null || row.replaced_by === undefined;
      return { ...wire, replaced_by: replacedBy, replaced_by_uid: none ? null : row.replaced_by_uid };
    });
  // Changed tasks as COPY text when the receiver reads it: their rows, references by uid and
  // usages straight out of the database (`taskPgTextSelect`), as `wireTasks` builds them for
  // copy-v1. Deleted tasks and those sent for context carry fewer fields: copy-v1.
  /**
   * Task rows as they travel in batches and copy-v1: a changed task carries its whole list of
   * usages (the receiver replaces its own with it); a task sent only for context carries none,
   * and its usages there are left alone. Loaded for the tasks at hand, a chunk at a time; a
   * changed task deleted for good since the plan is not sent.
   */
  const wireTasks = async (sending: readonly TaskToSend[]): Promise<WireRow[]> => {
    const live = sending.filter((task) => !task.deleted).map((task) => task.id);
    const [read, usages, referenceUids] = await Promise.all([
      loadTasks(
        db,
        sending.filter((task) => task.row === null).map((task) => task.id),
      ),
      loadTaskUsages(
        db,
        live.filter((id) => changedIds.has(id)),
      ),
      byUid.doc || byUid.runAfter ? loadReferenceUids(db, live) : null,
    ]);
    const readById = new Map(read.map((row) => [Number(row.task_id), row]));
    const rows = sending.flatMap((task) => {
      const row = task.row ?? readById.get(task.id);
      return row ? [row] : [];
    });
    return rows.map((task) => {
      if (task.deleted) return task;
      const id = Number(task.task_id);
      const uids = referenceUids?.get(id);
      const row = byUid.runAfter ? { ...task, run_after_uid: uids?.runAfter ?? null } : task;
      if (!changedIds.has(id)) return row;
      const changed = { ...row, task_usages: (usages.get(id) ?? []).map((u) => usageWireRow(id, u)) };
      return byUid.doc ? { ...changed, doc_uid: uids?.doc ?? null } : changed;
    });
  };
  // Rows of the same fields next to each other (a deleted task and one sent for context carry
  // no usages), so that a chunk of them is one request. Usages are added, and copy-upsert lines
  // encoded, chunk by chunk as they are sent: the first request leaves after one chunk's work
  // rather than the whole push's, and the rest overlaps the receiver's writes.
  const changedToSend = (deleted: boolean): TaskToSend[] =>
    plan.changedTasks
      .filter((task) => task.deleted === deleted)
      .map((task) => ({ id: task.id, deleted, row: null }));
  const tasks: TaskToSend[] = [
    ...changedToSend(false),
    ...changedToSend(true),
    ...contextTasks.map((row) => ({ id: Number(row.task_id), deleted: Boolean(row.deleted), row })),
  ];
  // A task is a piece of its unit when it travels for its own sake: always, unless the push is
  // lean, whose unchanged tasks travel only when the receiver asks for them.
  const sendsTask = (taskId: number) => !lean || changedIds.has(taskId);
  const units = new UnitProgress(tracker, {
    taskIds: plan.touchedTaskIds,
    sendsTask,
    documentTaskIds: plan.documents.map((d) => d.taskId),
  });
  const taskTitles = new Map([
    ...plan.changedTasks.map((task) => [task.id, task.title] as const),
    ...contextTasks.map((row) => [Number(row.task_id), String(row.title)] as const),
  ]);
  const documentInfo = new Map(plan.documents.map((document) => [document.id, document]));
  let failures = 0;
  const concurrency = Math.max(1, Math.min(caps.concurrency, 4));
  const taskLinks = plan.changedTasks
    .filter((task) => !task.deleted && !byUid.doc)
    .map((task) => ({ task_id: task.id, doc_id: task.docId }));
  const documentLinks = plan.documents
    .filter((d) => !d.deleted && !byUid.replacedBy)
    .map((d) => ({ document_id: d.id, replaced_by: d.replacedBy }));
  // Rows the receiver created during this push: their references are still empty there, so a
  // link to none (most documents have no newer version) would be work under its lock for
  // nothing.
  const created = { tasks: new Set<number>(), documents: new Set<number>() };
  const noteCreated = (into: Set<number>, answer: readonly BatchRowOutcome[]) => {
    for (const outcome of answer) if (outcome.result === 'created') into.add(outcome.id);
  };

  // The receiver's ids in the answers are recorded with the items, not in sync_sent_map: one
  // of our receivers maps our ids itself (sync_id_map), so a later push never needs its ids,
  // and only the per-call flow (an openDeepWiki receiver, which keys rows by the ids it is
  // sent) reads that map. Ids of one of ours kept there would even be wrong for an openDeepWiki
  // server answering at the same address later.
  const recordTasks = (answer: BatchRowOutcome[], startedAt: string) => {
    const reported = answer.filter((outcome) => changedIds.has(outcome.id) || outcome.result !== 'unchanged');
    failures += recordOutcomes(tracker, 'task', reported, (id) => taskTitles.get(id) ?? '', startedAt);
    noteCreated(created.tasks, answer);
    for (const outcome of answer)
      if (sendsTask(outcome.id)) units.done(outcome.id, outcome.result !== 'failed');
  };
  const recordDocuments = (answer: BatchRowOutcome[], startedAt: string) => {
    failures += recordOutcomes(
      tracker,
      'document',
      answer,
      (id) => documentInfo.get(id)?.title ?? '',
      startedAt,
    );
    noteCreated(created.documents, answer);
    for (const outcome of answer)
      units.done(documentInfo.get(outcome.id)?.taskId ?? null, outcome.result !== 'failed');
  };
  const failedAnswer = (
    error: unknown,
    tasks: readonly WireRow[] | undefined,
    documents: readonly WireRow[] | undefined,
  ): Pick<BatchUpsertResponse, 'tasks' | 'documents'> => {
    if (isFatal(error)) throw error;
    return {
      tasks: (tasks ?? []).map((task) => failedOutcome(Number(task.task_id), error)),
      documents: (documents ?? []).map((row) => failedOutcome(Number(row.document_id), error)),
    };
  };
  const send = async (body: {
    tasks?: WireRow[];
    documents?: WireRow[];
    links?: { tasks: typeof taskLinks; documents: typeof documentLinks };
  }) => {
    await repository.ready();
    try {
      return await client.call('batch-upsert', { repository_id: repositoryId, ...body });
    } catch (error) {
      return failedAnswer(error, body.tasks, body.documents);
    }
  };
  /** `copy-upsert` requests of rows already encoded as lines, one per set of columns. */
  const sendCopy = async (entity: 'tasks' | 'documents', part: readonly Encoded[]) => {
    const groups = new Map<string[], Encoded[]>();
    for (const row of part) {
      const group = groups.get(row.columns);
      if (group) group.push(row);
      else groups.set(row.columns, [row]);
    }
    const answers: Pick<BatchUpsertResponse, 'tasks' | 'documents'>[] = [];
    for (const [columns, rows] of groups) answers.push(await sendCopyOnce(entity, columns, rows));
    return {
      tasks: answers.flatMap((answer) => answer.tasks),
      documents: answers.flatMap((answer) => answer.documents),
    };
  };
  const sendCopyOnce = async (entity: 'tasks' | 'documents', columns: string[], part: readonly Encoded[]) => {
    await repository.ready();
    try {
      return await client.call('copy-upsert', {
        header: { format: COPY_FORMAT, repository_id: repositoryId, entity, columns },
        lines: part.map((row) => row.line),
      });
    } catch (error) {
      const rows = part.map((row) => row.row);
      return failedAnswer(error, entity === 'tasks' ? rows : [], entity === 'documents' ? rows : []);
    }
  };

  // Rows as COPY text when the receiver reads it (`pg-text-v1` documents, `pg-text-tasks-v1`
  // changed tasks); copy-v1 (or batches) for the rest. A receiver that refuses one such request
  // is not sent more of its kind: each refusal costs the chunk a second trip.
  let sentRows = 0;
  const documentColumns = byUid.replacedBy ? PG_TEXT_DOCUMENT_REFERENCE_COLUMNS : PG_TEXT_DOCUMENT_COLUMNS;
  const documentText = pgTextKind(
    copy && caps.copy.includes(PG_TEXT_FORMAT),
    {
      format: PG_TEXT_FORMAT,
      repository_id: repositoryId,
      entity: 'documents',
      columns: [...documentColumns],
    },
    pgTextSelect(documentColumns),
    (answer, startedAt, count) => {
      recordDocuments(answer.documents, startedAt);
      sentRows += count;
      tracker.currentTask = `Sending documents: ${sentRows} of ${plan.documents.length}`;
    },
  );
  const taskText = pgTextKind(
    copy && caps.copy.includes(PG_TEXT_TASKS_FORMAT) && byUid.doc && byUid.runAfter,
    {
      format: PG_TEXT_TASKS_FORMAT,
      repository_id: repositoryId,
      entity: 'tasks',
      columns: [...PG_TEXT_TASK_COLUMNS],
    },
    taskPgTextSelect,
    (answer, startedAt) => recordTasks(answer.tasks, startedAt),
  );
  const readInTurn = oneAtATime();
  /**
   * Sends rows as one request of `kind` (halved until it fits the receiver's limit); answers
   * the ids it could not send that way, which then go as copy-v1: one too large alone, or a
   * request the receiver refused or could not read.
   */
  const sendPgText = async (kind: PgTextKind, ids: readonly number[]): Promise<number[]> => {
    checkCancelled(ctx.signal);
    if (ids.length === 0) return [];
    const data = await readInTurn(() => db.copyOut(kind.select(ids)));
    if (kind.headerBytes + byteLengthOf(data) > maxBytes) {
      if (ids.length === 1) return [...ids];
      const half = Math.ceil(ids.length / 2);
      return [...(await sendPgText(kind, ids.slice(0, half))), ...(await sendPgText(kind, ids.slice(half)))];
    }
    await repository.ready();
    checkCancelled(ctx.signal);
    const startedAt = now();
    let answer: BatchUpsertResponse;
    try {
      answer = await client.call('copy-upsert', { header: kind.header, lines: [], data });
    } catch (error) {
      if (isFatal(error)) throw error;
      if (error instanceof PeerRequestError && error.status !== undefined && error.status < 500)
        kind.on = false;
      return [...ids];
    }
    kind.record(answer, startedAt, ids.length);
    return [];
  };

  /**
   * A lean push's second request: the documents the receiver answered `missing: 'task'` for,
   * with their tasks (which revive a task deleted there) and their links.
   */
  const sendWithTasks = async (missing: readonly BatchRowOutcome[], sent: readonly WireRow[]) => {
    const ids = new Set(missing.map((outcome) => outcome.id));
    // A changed task went with the first request: if the receiver still lacks it, it failed
    // there (and was recorded so), and its documents fail again without it.
    const taskIds = new Set(
      plan.documents.flatMap((d) =>
        ids.has(d.id) && d.taskId !== null && !changedIds.has(d.taskId) ? [d.taskId] : [],
      ),
    );
    const taskRows = await loadTasks(db, [...taskIds]);
    for (const row of taskRows) taskTitles.set(Number(row.task_id), String(row.title));
    checkCancelled(ctx.signal);
    tracker.currentTask = `Sending ${ids.size} documents again with their ${taskRows.length} tasks`;
    const startedAt = now();
    const answer = await send({
      tasks: await wireTasks(
        taskRows.map((row) => ({ id: Number(row.task_id), deleted: Boolean(row.deleted), row })),
      ),
      documents: sent.filter((row) => ids.has(Number(row.document_id))),
      links: { tasks: [], documents: documentLinks.filter((link) => ids.has(link.document_id)) },
    });
    recordTasks(answer.tasks, startedAt);
    recordDocuments(answer.documents, startedAt);
  };
  /** A lean push's one request, carrying the repository: its answer, or null if it failed. */
  const sendLean = async (body: BatchUpsertRequest): Promise<BatchUpsertResponse | null> => {
    let answer: BatchUpsertResponse;
    try {
      answer = await client.call('batch-upsert', body);
    } catch (error) {
      // Sent again the usual way: `repository-upsert` reports what was wrong with the
      // repository (a token that may not write it), and rows that fail, fail one by one.
      if (isFatal(error)) throw error;
      return null;
    }
    if (answer.repository) await repository.carried(answer.repository);
    else await repository.ready();
    return answer;
  };

  if (small) {
    const [documents, wired] = await Promise.all([
      loadDocuments(
        db,
        plan.documents.map((d) => d.id),
      ),
      wireTasks(tasks),
    ]);
    const sent = wireDocuments(documents);
    const body = {
      tasks: wired,
      documents: sent,
      links: { tasks: taskLinks, documents: documentLinks },
      ...(lean ? { repository: repository.body, missing_tasks: true } : {}),
    };
    if (JSON.stringify(body).length <= maxBytes) {
      if (!lean) await repository.ready();
      checkCancelled(ctx.signal);
      tracker.currentTask = `Sending ${tasks.length} tasks and ${documents.length} documents`;
      const startedAt = now();
      const answer = lean ? await sendLean({ repository_id: repositoryId, ...body }) : await send(body);
      if (answer) {
        recordTasks(answer.tasks, startedAt);
        const missing = lean ? answer.documents.filter((outcome) => outcome.missing === 'task') : [];
        recordDocuments(
          missing.length > 0
            ? answer.documents.filter((outcome) => outcome.missing !== 'task')
            : answer.documents,
          startedAt,
        );
        if (missing.length > 0) await sendWithTasks(missing, sent);
        return { failures };
      }
    }
    if (lean) {
      // Too large for one request after all, or refused: the usual way, tasks and all.
      repository.ready().catch(() => {});
      for (const row of await loadTasks(db, contextIds)) {
        tasks.push({ id: Number(row.task_id), deleted: Boolean(row.deleted), row });
        taskTitles.set(Number(row.task_id), String(row.title));
      }
    }
  }
  // Past the small push, the rows go as copy-upsert requests when the receiver takes them.
  if (copy) tracker.meta.transport = 'copy';
  // Task batches do not depend on each other: several in flight, like the documents'.
  // For copy-upsert, tasks of the same fields go together (a task sent for context carries no
  // usages, and a field absent differs from one sent as null), each row encoded once.
  // Batches are cut by their bytes, so their rows are read first, all of them.
  const taskChunks: TaskToSend[][] = copy
    ? chunkBySize(tasks, maxRows, Infinity, () => 0)
    : chunkBySize(await wireTasks(tasks), maxRows, maxBytes, (task) => JSON.stringify(task).length).map(
        (chunk) => chunk.map((row) => ({ id: Number(row.task_id), deleted: Boolean(row.deleted), row })),
      );
  let sentTaskBatches = 0;
  const sendTasks = async (chunk: TaskToSend[]) => {
    checkCancelled(ctx.signal);
    if (copy) {
      // Changed, live tasks carry every field: COPY text when the receiver reads it.
      const full = (task: TaskToSend) => !task.deleted && changedIds.has(task.id);
      let rest = chunk;
      if (taskText.on) {
        const unsent = new Set(
          await sendPgText(
            taskText,
            chunk.filter(full).map((task) => task.id),
          ),
        );
        rest = chunk.filter((task) => !full(task) || unsent.has(task.id));
      }
      // A chunk larger than the receiver takes goes as several requests.
      for (const part of chunkBySize(
        encodeChunk(await wireTasks(rest)),
        maxRows,
        maxBytes,
        (row) => row.bytes,
      )) {
        const startedAt = now();
        recordTasks((await sendCopy('tasks', part)).tasks, startedAt);
      }
    } else {
      const startedAt = now();
      recordTasks(
        (await send({ tasks: chunk.flatMap((task) => (task.row ? [task.row] : [])) })).tasks,
        startedAt,
      );
    }
    sentTaskBatches++;
    tracker.currentTask = `Sending tasks: batch ${sentTaskBatches} of ${taskChunks.length}`;
  };

  // Documents: chunks cut by an estimate of their size (content dominates), sent several at
  // once. The receiver finds a document's task by the task's id, so a chunk of documents waits
  // until every task chunk carrying one of its tasks has been answered, not for all of them:
  // the documents are ordered by the chunk of their task, and the first of them are read,
  // sent and staged while the receiver still writes the last tasks.
  const taskChunkOf = new Map<number, number>();
  taskChunks.forEach((chunk, index) => {
    for (const task of chunk) taskChunkOf.set(task.id, index);
  });
  const chunkOfTask = (document: PlannedDocument) =>
    document.taskId === null ? -1 : (taskChunkOf.get(document.taskId) ?? -1);
  const ordered = plan.documents
    .map((document, index) => ({ document, index, after: chunkOfTask(document) }))
    .sort((a, b) => a.after - b.after || a.index - b.index)
    .map(({ document }) => document);
  const documentChunks = chunkBySize(ordered, maxRows, DOCUMENT_CHUNK_SHARE * maxBytes, estimatedBytes);
  const tasksAnswered = taskChunks.map(() => settleable());
  const sendDocuments = async (planned: PlannedDocument[]) => {
    checkCancelled(ctx.signal);
    let chunk = planned;
    if (documentText.on) {
      const rest = new Set(
        await sendPgText(
          documentText,
          planned.map((d) => d.id),
        ),
      );
      if (rest.size === 0) return;
      chunk = planned.filter((d) => rest.has(d.id));
    }
    const rows = wireDocuments(
      await loadDocuments(
        db,
        chunk.map((d) => d.id),
      ),
    );
    // A chunk that turns out larger than the receiver takes is halved until it fits.
    if (copy) {
      for (const part of chunkBySize(encodeChunk(rows), maxRows, maxBytes, (row) => row.bytes)) {
        const startedAt = now();
        const answer = await sendCopy('documents', part);
        recordDocuments(answer.documents, startedAt);
        sentRows += part.length;
        tracker.currentTask = `Sending documents: ${sentRows} of ${plan.documents.length}`;
      }
      return;
    }
    for (const part of chunkBySize(rows, maxRows, maxBytes, (row) => JSON.stringify(row).length + 64)) {
      const startedAt = now();
      const answer = await send({ documents: part });
      recordDocuments(answer.documents, startedAt);
      sentRows += part.length;
      tracker.currentTask = `Sending documents: ${sentRows} of ${plan.documents.length}`;
    }
  };

  type Job = { tasks: number } | { documents: PlannedDocument[] };
  const jobs: Job[] = [
    ...taskChunks.map((_, index) => ({ tasks: index })),
    ...documentChunks.map((documents) => ({ documents })),
  ];
  // Task chunks come first in the queue, so a chunk of documents only waits for task chunks
  // already taken by a worker.
  await inPool(jobs, concurrency, async (job, failed) => {
    if ('tasks' in job) {
      try {
        await sendTasks(taskChunks[job.tasks]!);
      } finally {
        tasksAnswered[job.tasks]!.settle();
      }
      return;
    }
    const waitsFor = new Set(job.documents.map(chunkOfTask).filter((index) => index >= 0));
    await Promise.all([...waitsFor].map((index) => tasksAnswered[index]!.promise));
    if (!failed()) await sendDocuments(job.documents);
  });

  // Links last: every row they may name has arrived by now. Each link sets its own row, so the
  // requests do not depend on one another and go several at once.
  checkCancelled(ctx.signal);
  tracker.currentTask = 'Linking tasks to their documents';
  const links = {
    tasks: taskLinks.filter((link) => link.doc_id !== null || !created.tasks.has(link.task_id)),
    documents: documentLinks.filter(
      (link) => link.replaced_by !== null || !created.documents.has(link.document_id),
    ),
  };
  const linkBatches: (typeof links)[] = [];
  for (
    let offset = 0;
    offset < Math.max(links.tasks.length, links.documents.length);
    offset += LINKS_PER_REQUEST
  )
    linkBatches.push({
      tasks: links.tasks.slice(offset, offset + LINKS_PER_REQUEST),
      documents: links.documents.slice(offset, offset + LINKS_PER_REQUEST),
    });
  await repository.ready();
  await inPool(linkBatches, concurrency, async (batch) => {
    await client.call('batch-upsert', { repository_id: repositoryId, links: batch });
  });
  return { failures };
}
