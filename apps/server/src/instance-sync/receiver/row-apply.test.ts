// Row staging and apply as a table, on the embedded and the real database: each case sends
// batches of task rows from one peer into one repository and names what the last batch did
// to each row. Further tests cover the stage itself and what a deleted document leaves behind.
import { beforeEach, describe, expect, it } from 'vitest';
import type { RowResult } from '@wikisync/shared';
import { type Queryable, writeTransaction } from '../../db/database.js';
import { useTestDatabase, testDatabaseKinds } from '../../testing/test-database.js';
import { applyRows } from './row-apply.js';
import { DOCUMENT_TABLE, stageRows, TASK_TABLE, type IncomingRow } from './row-stage.js';

const PEER = 'peer-a';

/** A task row as a peer sends it: its id, uid and title; every other column a default. */
interface Sent {
  id: number | null;
  uid?: string;
  title?: string;
  deleted?: boolean;
}

function taskRow(sent: Sent): IncomingRow {
  return {
    remoteId: sent.id,
    uid: sent.uid,
    deleted: sent.deleted ?? false,
    values: {
      writer_name: 'writer',
      task_type: 'page',
      title: sent.title ?? 'title',
      outline: '',
      status: 'pending',
      error_msg: '',
      sort_order: 0,
      started_at: null,
      completed_at: null,
      metadata: {},
    },
    createdAt: null,
    updatedAt: null,
  };
}

describe.each(testDatabaseKinds())('row staging and apply on %s', (kind) => {
  const database = useTestDatabase(kind);
  let home: number;
  let elsewhere: number;

  const repository = async (uid: string) =>
    Number(
      (
        await database.db.query<{ id: number }>(
          `INSERT INTO repositories (uid, name) VALUES ($1, $1) RETURNING id`,
          [uid],
        )
      )[0]!.id,
    );

  beforeEach(async () => {
    await database.db.exec(
      'DELETE FROM sync_id_map; DELETE FROM sync_pending_links; DELETE FROM documents; DELETE FROM tasks; DELETE FROM repositories;',
    );
    home = await repository('home');
    elsewhere = await repository('elsewhere');
    // Rows this server already has under a uid (as after an earlier push to the peer), with
    // the values `taskRow` sends.
    await database.db.query(
      `INSERT INTO tasks (uid, repository_id, writer_name, task_type, title) VALUES ('ours', $1, 'writer', 'page', 'title')`,
      [home],
    );
    await database.db.query(
      `INSERT INTO tasks (uid, repository_id, writer_name, task_type, title) VALUES ('theirs', $1, 'writer', 'page', 'title')`,
      [elsewhere],
    );
  });

  const apply = (rows: Sent[]) =>
    writeTransaction(database.db, (tx) => applyRows(tx, TASK_TABLE, PEER, home, rows.map(taskRow)));

  const cases: Array<[what: string, earlier: Sent[][], last: Sent[], results: RowResult[]]> = [
    ['a new row', [], [{ id: 1, uid: 'u1' }], ['created']],
    ['a row sent again unchanged', [[{ id: 1, uid: 'u1' }]], [{ id: 1, uid: 'u1' }], ['unchanged']],
    ['a row sent again changed', [[{ id: 1, uid: 'u1' }]], [{ id: 1, uid: 'u1', title: 'new' }], ['updated']],
    [
      'a row found by the id it was mapped under, whatever its uid',
      [[{ id: 1, uid: 'u1' }]],
      [{ id: 1, uid: 'u9', title: 'new' }],
      ['updated'],
    ],
    ['a row of ours coming back home (adopted by uid)', [], [{ id: 5, uid: 'ours' }], ['unchanged']],
    ['a row of ours coming back changed', [], [{ id: 5, uid: 'ours', title: 'new' }], ['updated']],
    [
      "a uid another repository's row holds (a new row, new uid)",
      [],
      [{ id: 6, uid: 'theirs' }],
      ['created'],
    ],
    [
      'one uid twice in a batch',
      [],
      [
        { id: 1, uid: 'twin' },
        { id: 2, uid: 'twin' },
      ],
      ['created', 'created'],
    ],
    ['a row without a uid', [], [{ id: 1 }], ['created']],
    ['a row without an id', [], [{ id: null, uid: 'u1' }], ['created']],
    ['a tombstone of a mapped row', [[{ id: 1, uid: 'u1' }]], [{ id: 1, deleted: true }], ['deleted']],
    [
      'a tombstone sent twice',
      [[{ id: 1, uid: 'u1' }], [{ id: 1, deleted: true }]],
      [{ id: 1, deleted: true }],
      ['unchanged'],
    ],
    ['a tombstone of a row never seen', [], [{ id: 9, uid: 'u9', deleted: true }], ['skipped']],
    [
      'a tombstoned row sent live again',
      [[{ id: 1, uid: 'u1' }], [{ id: 1, deleted: true }]],
      [{ id: 1, uid: 'u1' }],
      ['updated'],
    ],
    [
      'a mixed batch keeps its order',
      [
        [
          { id: 1, uid: 'u1' },
          { id: 2, uid: 'u2' },
        ],
      ],
      [
        { id: 3, uid: 'u3' },
        { id: 2, deleted: true },
        { id: 1, uid: 'u1' },
        { id: 8, deleted: true },
      ],
      ['created', 'deleted', 'unchanged', 'skipped'],
    ],
  ];

  it.each(cases)('%s', async (_what, earlier, last, results) => {
    for (const batch of earlier) await apply(batch);
    const applied = await apply(last);
    expect(applied.map((row) => row.result)).toEqual(results);
    expect(applied.map((row) => row.remoteId)).toEqual(last.map((row) => row.id));
  });

  it('keeps the sent uid when it is free, maps the peer id, and answers with the local id', async () => {
    const [created] = await apply([{ id: 41, uid: 'kept', title: 't' }]);
    const [row] = await database.db.query<{ id: number; uid: string; repository_id: number }>(
      `SELECT id, uid, repository_id FROM tasks WHERE uid = 'kept'`,
    );
    expect(Number(row!.id)).toBe(created!.localId);
    expect(Number(row!.repository_id)).toBe(home);
    const [again] = await apply([{ id: 41, uid: 'kept', title: 't' }]);
    expect(again!.localId).toBe(created!.localId);
  });

  it("maps a new row again over a mapping it does not trust: to another repository's row, or to none left", async () => {
    const [theirs] = await database.db.query<{ id: number }>(`SELECT id FROM tasks WHERE uid = 'theirs'`);
    // The peer's 7 maps to the other repository's row, its 8 to a row no longer there.
    await database.db.query(
      `INSERT INTO sync_id_map (peer_key, entity, remote_id, local_id)
       VALUES ($1, 'task', 7, $2), ($1, 'task', 8, 987654321)`,
      [PEER, theirs!.id],
    );
    const applied = await apply([
      { id: 7, uid: 'u7' },
      { id: 8, uid: 'u8' },
      { id: 9, uid: 'u9' },
    ]);
    expect(applied.map((row) => row.result)).toEqual(['created', 'created', 'created']);
    const mappings = await database.db.query<{ remote_id: number; local_id: number }>(
      `SELECT remote_id, local_id FROM sync_id_map WHERE peer_key = $1 AND entity = 'task' ORDER BY remote_id`,
      [PEER],
    );
    expect(mappings.map((row) => [Number(row.remote_id), Number(row.local_id)])).toEqual(
      applied.map((row) => [row.remoteId, row.localId]),
    );
    // Sent again, each is found by its new mapping; the other repository's row is untouched.
    expect(
      (
        await apply([
          { id: 7, uid: 'u7' },
          { id: 8, uid: 'u8' },
        ])
      ).map((row) => row.result),
    ).toEqual(['unchanged', 'unchanged']);
    const [untouched] = await database.db.query<{ repository_id: number }>(
      `SELECT repository_id FROM tasks WHERE id = $1`,
      [theirs!.id],
    );
    expect(Number(untouched!.repository_id)).toBe(elsewhere);
  });

  it("never touches another repository's row that shares a uid", async () => {
    const [created] = await apply([{ id: 6, uid: 'theirs', title: 'from the peer' }]);
    const rows = await database.db.query<{ id: number; title: string }>(
      `SELECT id, title FROM tasks WHERE repository_id = $1 AND uid = 'theirs'`,
      [elsewhere],
    );
    expect(rows.map((row) => row.title)).toEqual(['title']);
    expect(Number(rows[0]!.id)).not.toBe(created!.localId);
  });

  it('stops tasks pointing at a document the peer deleted', async () => {
    await database.db.query(`UPDATE tasks SET doc_uid = 'doc-1' WHERE uid = 'ours'`);
    const documentRow: IncomingRow = {
      remoteId: 1,
      uid: 'doc-1',
      deleted: false,
      values: {
        task_id: null,
        title: 'd',
        filename: 'd.md',
        content: 'x'.repeat(1000),
        language: 'en',
        sort_order: 0,
        version: 1,
        is_latest: true,
        metadata: {},
      },
      createdAt: null,
      updatedAt: null,
    };
    const applyDocument = (row: IncomingRow) =>
      writeTransaction(database.db, (tx) => applyRows(tx, DOCUMENT_TABLE, PEER, home, [row]));
    expect((await applyDocument(documentRow))[0]!.result).toBe('created');
    expect((await applyDocument({ ...documentRow, deleted: true }))[0]!.result).toBe('deleted');
    const [task] = await database.db.query<{ doc_uid: string | null }>(
      `SELECT doc_uid FROM tasks WHERE uid = 'ours'`,
    );
    expect(task!.doc_uid).toBeNull();
  });

  it('maps every row it writes, named by the peer or not, and sets the references that waited for them', async () => {
    const idOf = async (uid: string) =>
      Number((await database.db.query<{ id: number }>(`SELECT id FROM tasks WHERE uid = $1`, [uid]))[0]!.id);
    await database.db.query(
      `INSERT INTO tasks (uid, repository_id, writer_name, task_type, title) VALUES ('waiter', $1, 'writer', 'page', 'title')`,
      [home],
    );
    const ours = await idOf('ours');
    const waiter = await idOf('waiter');
    // Two references the peer sent before their targets: ours runs after its task 7 (not here
    // yet), the waiter after its task 5 (our own row 'ours', which it will name as 5).
    await database.db.query(
      `INSERT INTO sync_pending_links (entity, local_id, field, peer_key, target, remote_id)
       VALUES ('task', $1, 'run_after', $3, 'task', 7), ('task', $2, 'run_after', $3, 'task', 5)`,
      [ours, waiter, PEER],
    );
    const applied = await apply([
      { id: 7, uid: 'new-7' },
      { id: 5, uid: 'ours' },
      { id: null, uid: 'nameless' },
    ]);
    expect(applied.map((row) => row.result)).toEqual(['created', 'unchanged', 'created']);
    const created = applied[0]!.localId!;
    const nameless = applied[2]!.localId!;
    expect([created, nameless]).toEqual([await idOf('new-7'), await idOf('nameless')]);
    const mapped = await database.db.query<{ remote_id: number; local_id: number }>(
      `SELECT remote_id, local_id FROM sync_id_map WHERE peer_key = $1 AND entity = 'task' ORDER BY remote_id`,
      [PEER],
    );
    expect(mapped.map((row) => [Number(row.remote_id), Number(row.local_id)])).toEqual(
      [
        [5, ours],
        [7, created],
        // A row sent without an id is named by the id it was given.
        [nameless, nameless],
      ].sort((a, b) => a[0]! - b[0]!),
    );
    const references = await database.db.query<{ uid: string; run_after_uid: string | null }>(
      `SELECT uid, run_after_uid FROM tasks WHERE uid IN ('ours', 'waiter') ORDER BY uid`,
    );
    expect(references).toEqual([
      { uid: 'ours', run_after_uid: 'new-7' },
      { uid: 'waiter', run_after_uid: 'ours' },
    ]);
    expect(await database.db.query('SELECT * FROM sync_pending_links')).toEqual([]);
  });

  it('stages each row once, with keys that only grow within a transaction', async () => {
    const keys = await writeTransaction(database.db, async (tx: Queryable) => {
      const first = [taskRow({ id: 1 }), taskRow({ id: 2 })];
      await stageRows(tx, TASK_TABLE, first);
      await stageRows(tx, TASK_TABLE, first);
      const second = [taskRow({ id: 3 })];
      await stageRows(tx, TASK_TABLE, [...first, ...second]);
      const [staged] = await tx.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM pg_temp.sync_stage_tasks',
      );
      return { keys: [...first, ...second].map((row) => row.staged), staged: Number(staged!.count) };
    });
    expect(keys).toEqual({ keys: [0, 1, 2], staged: 3 });
  });
});
