// Looking up a peer's ids while a bulk copy fills the map: each id is one probe of the primary
// key, however many mappings that peer already has and whatever the (not yet gathered)
// statistics say. The planner once walked every mapping of the peer per lookup, through an
// index that began with the primary key's first columns: seconds per chunk of a full push.
// Counted in buffers the lookup touched (EXPLAIN's, which do not depend on the machine's speed).
import { describe, expect, it } from 'vitest';
import { writeTransaction, type Queryable } from '../../db/database.js';
import { testDatabaseKinds, useTestDatabase } from '../../testing/test-database.js';
import { lookupMappedRows } from './id-map.js';

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
