// Property: a `pg-text` body whose rows are all new here, written in one statement
// (new-rows.ts), ends exactly as the general path (batch-receiver.ts, row-apply.ts) ends the
// same body: the same rows, references, mappings, waiting links and answer. Each run sends a
// first push's rows, then tasks and documents that mix new rows, rows sent before, uids held
// here or by another repository, references to mapped, unsent and foreign targets, documents
// of tasks not received and links waiting for a row, to two receivers that differ only in the
// path: one may take the statement, the other never does. A run whose bodies are all new by
// construction must be taken by the statement, so the property also fails if it never applies.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PG_TEXT_DOCUMENT_REFERENCE_COLUMNS,
  PG_TEXT_FORMAT,
  PG_TEXT_TASK_COLUMNS,
  PG_TEXT_TASKS_FORMAT,
  type BatchUpsertResponse,
} from '@wikisync/shared';
import type { Database, Queryable } from '../../db/database.js';
import type { SqlType } from '../../db/field-rows.js';
import { testDatabaseKinds, useTestDatabase } from '../../testing/test-database.js';
import type { SyncCaller } from '../peer-auth/sync-caller.js';
import { copyText } from '../wire/line-bytes.js';
import { applyBatch } from './batch-receiver.js';
import { applyCopy } from './copy-receiver.js';
import { DOCUMENT_TABLE, TASK_TABLE, type TableSpec } from './row-stage.js';

/** The sender's ids: task i is i + 1, document j is 101 + j. */
const TASKS = 8;
const DOCUMENTS = 8;
const taskId = (i: number) => i + 1;
const documentId = (j: number) => 101 + j;
const REMOTE_REPOSITORY = 1;

/** A reference as a generated row carries it: none, or a target by index, its own uid or another's. */
const reference = (count: number) =>
  fc.oneof(fc.constant(null), fc.record({ target: fc.nat({ max: count - 1 }), foreignUid: fc.boolean() }));

const taskRow = fc.record({
  i: fc.nat({ max: TASKS - 1 }),
  /** Sent under another task's uid (one that may be held here already). */
  uidOf: fc.option(fc.nat({ max: TASKS - 1 }), { freq: 4 }),
  title: fc.stringMatching(/^[a-z]{0,6}$/),
  doc: reference(DOCUMENTS),
  runAfter: reference(TASKS),
});

const documentRow = fc.record({
  j: fc.nat({ max: DOCUMENTS - 1 }),
  uidOf: fc.option(fc.nat({ max: DOCUMENTS - 1 }), { freq: 4 }),
  task: fc.option(fc.nat({ max: TASKS - 1 }), { freq: 5 }),
  title: fc.stringMatching(/^[a-z]{0,6}$/),
  replacedBy: reference(DOCUMENTS),
});

/** A run: rows sent before, then the bodies under test, and what the receiver holds elsewhere. */
interface Scenario {
  earlierTasks: TaskRow[];
  earlierDocuments: DocumentRow[];
  tasks: TaskRow[];
  documents: DocumentRow[];
  /** Uids another repository holds: tasks' and documents' by index. */
  foreignTasks: number[];
  foreignDocuments: number[];
  /** A document a link of a task sent before waits for. */
  waitingFor: number | null;
}
type TaskRow = typeof taskRow extends fc.Arbitrary<infer T> ? T : never;
type DocumentRow = typeof documentRow extends fc.Arbitrary<infer T> ? T : never;

/**
 * Bodies all new here, and then now and then one thing that makes them not (each alone, so
 * that a statement that overlooked it would write them and differ from the general path): a
 * row sent again, a uid sent twice, a new row's uid held by another repository, a reference to
 * a row not here whose uid another repository holds, a link waiting for a new document, a
 * document of a task not received. Rows sent before may have been stored under uids the
 * receiver drew (another repository held theirs): references to them are then written with
 * those, which the sender does not know.
 */
const scenario = fc
  .record({
    earlierTasks: fc.uniqueArray(fc.nat({ max: TASKS - 1 }), { maxLength: 4 }),
    earlierDocuments: fc.uniqueArray(documentRow, { selector: (row) => row.j, maxLength: 4 }),
    tasks: fc.uniqueArray(taskRow, { selector: (row) => row.i, minLength: 1, maxLength: 6 }),
    documents: fc.uniqueArray(documentRow, { selector: (row) => row.j, minLength: 1, maxLength: 6 }),
    renamed: fc.boolean(),
    spoil: fc.option(
      fc.constantFrom('resend', 'collide', 'foreign row', 'foreign target', 'waiting', 'orphan'),
      { freq: 2 },
    ),
  })
  .map(({ earlierTasks, earlierDocuments, tasks, documents, renamed, spoil }) => {
    const sentTasks = new Set(earlierTasks);
    const sentDocuments = new Set(earlierDocuments.map((row) => row.j));
    // With rows held elsewhere under uids a reference may name in place of its target's own, a
    // reference to a row not here would be linked by id: a body that is not all new.
    const own = <R extends { foreignUid: boolean } | null>(ref: R): R =>
      renamed && ref ? { ...ref, foreignUid: false } : ref;
    const newTasks = tasks
      .filter((row) => !sentTasks.has(row.i))
      .map((row) => ({ ...row, uidOf: null, doc: own(row.doc), runAfter: own(row.runAfter) }));
    const known = new Set([...sentTasks, ...newTasks.map((row) => row.i)]);
    const newDocuments = documents
      .filter((row) => !sentDocuments.has(row.j))
      .map((row) => ({
        ...row,
        uidOf: null,
        task: row.task !== null && known.has(row.task) ? row.task : null,
        replacedBy: own(row.replacedBy),
      }));
    const s: Scenario = {
      earlierTasks: earlierTasks.map((i) => ({ i, uidOf: null, title: 'before', doc: null, runAfter: null })),
      earlierDocuments: earlierDocuments.map((row) => ({
        ...row,
        uidOf: null,
        task: row.task !== null && sentTasks.has(row.task) ? row.task : null,
        replacedBy: null,
      })),
      tasks: newTasks,
      documents: newDocuments,
      foreignTasks: renamed ? [...earlierTasks] : [],
      foreignDocuments: renamed ? earlierDocuments.map((row) => row.j) : [],
      waitingFor: null,
    };
    const firstTask = s.tasks[0];
    const firstDocument = s.documents[0];
    const unsentTask = [...Array(TASKS).keys()].find((i) => !known.has(i));
    const unsentDocument = [...Array(DOCUMENTS).keys()].find(
      (j) => !sentDocuments.has(j) && !s.documents.some((row) => row.j === j),
    );
    switch (spoil) {
      case 'resend':
        if (s.earlierTasks[0]) s.tasks.push({ ...s.earlierTasks[0], title: 'again' });
        if (s.earlierDocuments[0]) s.documents.push({ ...s.earlierDocuments[0], title: 'again' });
        break;
      case 'collide':
        if (firstTask && s.tasks[1]) firstTask.uidOf = s.tasks[1].i;
        if (firstDocument && s.documents[1]) firstDocument.uidOf = s.documents[1].j;
        break;
      case 'foreign row':
        if (firstTask) s.foreignTasks.push(firstTask.i);
        if (firstDocument) s.foreignDocuments.push(firstDocument.j);
        break;
      case 'foreign target':
        if (firstTask && unsentTask !== undefined) {
          firstTask.runAfter = { target: unsentTask, foreignUid: false };
          s.foreignTasks.push(unsentTask);
        }
        if (firstDocument && unsentDocument !== undefined) {
          firstDocument.replacedBy = { target: unsentDocument, foreignUid: false };
          s.foreignDocuments.push(unsentDocument);
        }
        break;
      case 'waiting':
        if (firstDocument) s.waitingFor = firstDocument.j;
        break;
      case 'orphan':
        if (firstDocument && unsentTask !== undefined) firstDocument.task = unsentTask;
        break;
    }
    return { s, spoilt: spoil !== null };
  });

const TASK_TYPES = new Map<string, SqlType>([
  ...TASK_TABLE.wire.map((column): [string, SqlType] => [column.wire, column.type]),
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ...TASK_TABLE.columns.map((column): [string, SqlType] => [column.name, column.type]),
]);
const DOCUMENT_TYPES = new Map<string, SqlType>([
  ...DOCUMENT_TABLE.wire.map((column): [string, SqlType] => [column.wire, column.type]),
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ...DOCUMENT_TABLE.columns.map((column): [string, SqlType] => [column.name, column.type]),
]);

/** One receiver's side of a run: its uids start with `prefix`, its peer is its own. */
class Side {
  readonly caller: SyncCaller;
  /** Rows the statement wrote, per body; 0 where it declined. */
  readonly taken: number[] = [];
  local = 0;

  constructor(
    readonly prefix: string,
    readonly newRows: boolean,
  ) {
    this.caller = {
      kind: 'admin',
      name: 'test',
      scopes: new Set(['receive']),
      repositoryIds: null,
      peerKey: `peer-${prefix}`,
    };
  }

  taskUid = (i: number) => `${this.prefix}t${i}`;
  documentUid = (j: number) => `${this.prefix}d${j}`;

  /** The database, its transactions' statements of new-rows.ts counted. */
  watched(db: Database): Database {
    const taken = this.taken;
    const watch = (tx: Queryable): Queryable =>
      new Proxy(tx, {
        get(target, name) {
          if (name === 'query')
            return async (text: string, params?: unknown[]) => {
              const rows = await target.query(text, params);
              if (text.startsWith('WITH resolved AS MATERIALIZED')) taken.push(rows.length);
              return rows;
            };
          const value = Reflect.get(target, name) as unknown;
          return typeof value === 'function'
            ? (value as (...args: unknown[]) => unknown).bind(target)
            : value;
        },
      });
    return new Proxy(db, {
      get(target, name) {
        if (name === 'transaction')
          return <T>(work: (tx: Queryable) => Promise<T>) => target.transaction((tx) => work(watch(tx)));
        const value = Reflect.get(target, name) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  tasksBody(rows: Scenario['tasks']): Uint8Array {
    const lines = rows.map((row) => {
      const values: Record<string, unknown> = {
        task_id: taskId(row.i),
        uid: this.taskUid(row.uidOf ?? row.i),
        deleted: false,
        created_at: '2026-11-01T10:00:00.000Z',
        updated_at: '2026-11-02T10:00:00.000Z',
        writer_name: 'writer',
        task_type: 'page',
        title: `task ${row.i} ${row.title}`,
        outline: '',
        status: 'succeeded',
        error_msg: '',
        sort_order: row.i,
        started_at: null,
        completed_at: null,
        metadata: {},
        run_after: row.runAfter && taskId(row.runAfter.target),
        doc_id: row.doc && documentId(row.doc.target),
        doc_uid:
          row.doc && this.documentUid(row.doc.foreignUid ? (row.doc.target + 1) % DOCUMENTS : row.doc.target),
        run_after_uid:
          row.runAfter &&
          this.taskUid(row.runAfter.foreignUid ? (row.runAfter.target + 1) % TASKS : row.runAfter.target),
        task_usages: [],
      };
      return PG_TEXT_TASK_COLUMNS.map((name) => copyText(values[name], TASK_TYPES.get(name)!)).join('\t');
    });
    return Buffer.from(lines.map((line) => `${line}\n`).join(''));
  }

  documentsBody(rows: Scenario['documents']): Uint8Array {
    const lines = rows.map((row) => {
      const values: Record<string, unknown> = {
        document_id: documentId(row.j),
        uid: this.documentUid(row.uidOf ?? row.j),
        task_id: row.task === null ? null : taskId(row.task),
        deleted: false,
        created_at: '2026-11-01T10:00:00.000Z',
        updated_at: '2026-11-02T10:00:00.000Z',
        title: `document ${row.j} ${row.title}`,
        filename: `d${row.j}.md`,
        content: `# ${row.title}\n\tcontent of ${row.j}`,
        language: 'en',
        sort_order: row.j,
        version: 1,
        is_latest: true,
        metadata: {},
        replaced_by: row.replacedBy && documentId(row.replacedBy.target),
        replaced_by_uid:
          row.replacedBy &&
          this.documentUid(
            row.replacedBy.foreignUid ? (row.replacedBy.target + 1) % DOCUMENTS : row.replacedBy.target,
          ),
      };
      return PG_TEXT_DOCUMENT_REFERENCE_COLUMNS.map((name) =>
        copyText(values[name], DOCUMENT_TYPES.get(name)!),
      ).join('\t');
    });
    return Buffer.from(lines.map((line) => `${line}\n`).join(''));
  }

  send(db: Database, spec: TableSpec, data: Uint8Array, newRows: boolean): Promise<BatchUpsertResponse> {
    const tasks = spec === TASK_TABLE;
    return applyCopy(
      db,
      this.caller,
      {
        header: {
          format: tasks ? PG_TEXT_TASKS_FORMAT : PG_TEXT_FORMAT,
          repository_id: REMOTE_REPOSITORY,
          entity: tasks ? 'tasks' : 'documents',
          columns: [...(tasks ? PG_TEXT_TASK_COLUMNS : PG_TEXT_DOCUMENT_REFERENCE_COLUMNS)],
        },
        lines: [],
        data: [data],
      },
      { newRows },
    );
  }

  /** The run on this side: the earlier push (always the general path), then the bodies under test. */
  async run(db: Database, s: Scenario) {
    const repository = async (uid: string) =>
      Number(
        (
          await db.query<{ id: number }>(
            `INSERT INTO repositories (uid, name) VALUES ($1, $1) RETURNING id`,
            [uid],
          )
        )[0]!.id,
      );
    this.local = await repository(`${this.prefix}home`);
    const other = await repository(`${this.prefix}other`);
    await db.query(
      `INSERT INTO sync_id_map (peer_key, entity, remote_id, local_id) VALUES ($1, 'repository', $2, $3)`,
      [this.caller.peerKey, REMOTE_REPOSITORY, this.local],
    );
    for (const i of s.foreignTasks)
      await db.query(`INSERT INTO tasks (uid, repository_id, title) VALUES ($1, $2, 'elsewhere')`, [
        this.taskUid(i),
        other,
      ]);
    for (const j of s.foreignDocuments)
      await db.query(`INSERT INTO documents (uid, repository_id, title) VALUES ($1, $2, 'elsewhere')`, [
        this.documentUid(j),
        other,
      ]);
    if (s.earlierTasks.length > 0) await this.send(db, TASK_TABLE, this.tasksBody(s.earlierTasks), false);
    if (s.earlierDocuments.length > 0)
      await this.send(db, DOCUMENT_TABLE, this.documentsBody(s.earlierDocuments), false);
    const waiting = s.earlierTasks[0];
    if (s.waitingFor !== null && waiting)
      await applyBatch(db, this.caller, {
        repository_id: REMOTE_REPOSITORY,
        tasks: [],
        documents: [],
        links: { tasks: [{ task_id: taskId(waiting.i), doc_id: documentId(s.waitingFor) }], documents: [] },
      });
    const watched = this.watched(db);
    const none: BatchUpsertResponse = { repository_id: this.local, tasks: [], documents: [] };
    const tasks =
      s.tasks.length > 0 ? await this.send(watched, TASK_TABLE, this.tasksBody(s.tasks), this.newRows) : none;
    const documents =
      s.documents.length > 0
        ? await this.send(watched, DOCUMENT_TABLE, this.documentsBody(s.documents), this.newRows)
        : none;
    return { tasks, documents };
  }

  /** A uid of this side without its prefix; one the receiver drew itself is `<drawn>`. */
  strip = (uid: unknown) =>
    uid === null
      ? null
      : String(uid).startsWith(this.prefix)
        ? String(uid).slice(this.prefix.length)
        : '<drawn>';

  /** What the receiver holds for this side, and the answers, in terms both sides share. */
  async state(db: Database, answers: { tasks: BatchUpsertResponse; documents: BatchUpsertResponse }) {
    const [tasks, documents, mapped, waiting] = await Promise.all([
      db.query(
        `SELECT uid, title, status, sort_order, doc_uid, run_after_uid, deleted, created_at, updated_at
           FROM tasks WHERE repository_id = $1`,
        [this.local],
      ),
      db.query(
        `SELECT d.uid, d.title, d.content, d.filename, t.uid AS task, d.replaced_by_uid, d.deleted, d.version,
                d.is_latest, d.created_at, d.updated_at
           FROM documents d LEFT JOIN tasks t ON t.id = d.task_id WHERE d.repository_id = $1`,
        [this.local],
      ),
      db.query(
        `SELECT m.entity, m.remote_id, COALESCE(t.uid, d.uid) AS uid FROM sync_id_map m
           LEFT JOIN tasks t ON m.entity = 'task' AND t.id = m.local_id
           LEFT JOIN documents d ON m.entity = 'document' AND d.id = m.local_id
          WHERE m.peer_key = $1 AND m.entity <> 'repository'`,
        [this.caller.peerKey],
      ),
      db.query(
        `SELECT p.entity, p.field, p.target, p.remote_id, COALESCE(t.uid, d.uid) AS uid FROM sync_pending_links p
           LEFT JOIN tasks t ON p.entity = 'task' AND t.id = p.local_id
           LEFT JOIN documents d ON p.entity = 'document' AND d.id = p.local_id
          WHERE p.peer_key = $1`,
        [this.caller.peerKey],
      ),
    ]);
    const uidsOf = async (table: 'tasks' | 'documents') =>
      new Map(
        (
          await db.query<{ id: number; uid: string }>(
            `SELECT id, uid FROM ${table} WHERE repository_id = $1`,
            [this.local],
          )
        ).map((row) => [Number(row.id), row.uid as unknown]),
      );
    const uidOf = { tasks: await uidsOf('tasks'), documents: await uidsOf('documents') };
    const rows = (list: Record<string, unknown>[], uidColumns: string[]) =>
      list
        .map((row) => {
          const out: Record<string, unknown> = {};
          for (const [key, value] of Object.entries(row))
            out[key] = uidColumns.includes(key)
              ? this.strip(value)
              : value instanceof Date
                ? value.toISOString()
                : value;
          return JSON.stringify(out, Object.keys(out).sort());
        })
        .sort();
    const outcomes = (list: BatchUpsertResponse['tasks'], uids: ReadonlyMap<number, unknown>) =>
      list
        .map((outcome) =>
          JSON.stringify([
            outcome.id,
            outcome.result,
            outcome.local_id === null ? null : this.strip(uids.get(outcome.local_id) ?? '<missing>'),
            outcome.error ?? null,
          ]),
        )
        .sort();
    return {
      tasks: rows(tasks, ['uid', 'doc_uid', 'run_after_uid']),
      documents: rows(documents, ['uid', 'task', 'replaced_by_uid']),
      mapped: rows(mapped, ['uid']),
      waiting: rows(waiting, ['uid']),
      answers: {
        tasks: outcomes(answers.tasks.tasks, uidOf.tasks),
        documents: outcomes(answers.documents.documents, uidOf.documents),
      },
    };
  }
}

describe.each(testDatabaseKinds())(
  'pg-text rows all new here, in one statement, on %s (property)',
  (kind) => {
    const database = useTestDatabase(kind);
    let run = 0;

    it('end as the general path ends the same bodies, and are taken whenever the bodies are all new', async () => {
      let taken = 0;
      await fc.assert(
        fc.asyncProperty(scenario, async ({ s, spoilt }) => {
          run++;
          const statement = new Side(`r${run}s-`, true);
          const general = new Side(`r${run}g-`, false);
          const answers = {
            statement: await statement.run(database.db, s),
            general: await general.run(database.db, s),
          };
          expect(await statement.state(database.db, answers.statement)).toEqual(
            await general.state(database.db, answers.general),
          );
          expect(general.taken).toEqual([]);
          const bodies = [s.tasks.length, s.documents.length];
          if (!spoilt) expect(statement.taken).toEqual(bodies.filter((count) => count > 0));
          taken += statement.taken.filter((count) => count > 0).length;
        }),
        { numRuns: kind === 'pglite' ? 30 : 40 },
      );
      expect(taken).toBeGreaterThan(0);
    });
  },
);
