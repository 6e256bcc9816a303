// Looking up a peer's ids while a bulk copy fills the map: each id is one probe of the primary
// key, however many mappings that peer already has and whatever the (not yet gathered)
// statistics say. The planner once walked every mapping of the peer per lookup, through an
// index that began with the primary key's first columns: seconds per chunk of a full push.
// Counted in buffers the lookup touched (EXPLAIN's, which do not depend on the machine's speed).
import { describe, expect, it } from 'vitest';
import { writeTransaction, type Queryable } from '../../db/database.js';
import { testDatabaseKinds, useTestDatabase } from '../../testing/test-database.js';
import { lookupMappedRows, lookupSentOrPulled } from './id-map.js';

interface PlanNode {
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
}

describe.skipIf(!testDatabaseKinds().includes('postgres'))('id map lookups on postgres', () => {
  const database = useTestDatabase('postgres');
  const peer = 'instance:11111111-2222-3333-4444-555555555555';
  const mappings = 20_000;

  it('probes the primary key once per id, however many mappings the peer has before they are analysed', async () => {
    const db = database.db;
    const repositoryId = await writeTransaction(db, async (tx) => {
      const [repository] = await tx.query<{ id: number }>(
        `INSERT INTO repositories (uid, name, url) VALUES ('probe-repo', 'probe', '') RETURNING id`,
      );
      const id = Number(repository!.id);
      await tx.query(
        `INSERT INTO tasks (uid, repository_id, title, task_type, status, sort_order)
         SELECT 'probe-task-' || n, $1, 'Task ' || n, 'module', 'succeeded', n FROM generate_series(1, $2::int) n`,
        [id, mappings],
      );
      // The peer's id n maps to our task 'probe-task-n'.
      await tx.query(
        `INSERT INTO sync_id_map (peer_key, entity, remote_id, local_id)
         SELECT $1, 'task', substr(t.uid, 12)::bigint, t.id FROM tasks t WHERE t.repository_id = $2`,
        [peer, id],
      );
      return id;
    });

    // The statement lookupMappedRows sends, as it sends it.
    const sent: { text: string; params: readonly unknown[] }[] = [];
    const recording: Queryable = {
      ...db,
      query: (text, params) => {
        sent.push({ text, params: params ?? [] });
        return db.query(text, params);
      },
    };
    const wanted = [1, 2, 9_999, 19_998, 20_000, 25_000];
    const found = await lookupMappedRows(recording, peer, 'task', wanted, repositoryId);
    expect([...found.keys()].sort((a, b) => a - b)).toEqual([1, 2, 9_999, 19_998, 20_000]);
    expect(found.get(9_999)!.uid).toBe('probe-task-9999');

    const [lookup] = sent;
    const [explained] = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${lookup!.text}`,
      lookup!.params,
    );
    const plan = explained!['QUERY PLAN'][0].Plan;
    const buffers = plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
    // A probe is a few index pages and a heap page for the mapping, the same again for the
    // task; walking the peer's 20,000 mappings touched more than 20,000.
    expect(buffers).toBeLessThan(20 * wanted.length);
  });
});

describe.each(testDatabaseKinds())("the ids a push names a target's rows by, on %s", (kind) => {
  const database = useTestDatabase(kind);

  it('takes the ids the target answered with, else its own ids of rows pulled from it (the highest), else none', async () => {
    const db = database.db;
    const [target] = await db.query<{ id: number }>(
      `INSERT INTO sync_targets (url) VALUES ('http://odw.example/api/sync') RETURNING id`,
    );
    const targetId = Number(target!.id);
    const peer = 'url:http://odw.example/api/sync';
    // Our rows 10 and 11 were sent there; 20 was pulled from there (twice, under two ids);
    // 21 was pulled from another peer; 30 was never exchanged.
    await db.query(
      `INSERT INTO sync_sent_map (target_id, entity, local_id, remote_id) VALUES ($1, 'task', 10, 110), ($1, 'task', 11, 111)`,
      [targetId],
    );
    await db.query(
      `INSERT INTO sync_id_map (peer_key, entity, remote_id, local_id)
       VALUES ($1, 'task', 220, 20), ($1, 'task', 225, 20), ($1, 'document', 999, 21), ('url:http://other/api/sync', 'task', 321, 21)`,
      [peer],
    );
    const found = await lookupSentOrPulled(db, targetId, peer, 'task', [10, 11, 20, 21, 30]);
    expect(Object.fromEntries(found)).toEqual({ 10: 110, 11: 111, 20: 225 });
  });
});
