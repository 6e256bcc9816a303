// Compare-and-set under concurrent pushes (push.ts, row-locks.ts): pushes run side by side, so
// each must compare against the row it overwrites. On PostgreSQL the pushes below run on
// separate connections at once; on PGlite they queue, and the same outcomes must hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplicatedTask } from '@wikisync/shared';
import type { Database } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/test-database.js';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { pushRows } from './push.js';
import { loadStoredDocs } from './replicated-rows.js';
import { holdRepository } from '../testing/repository-hold.js';

const ADMIN: Principal = { userId: 0, userName: 'test', isAdmin: true, tokenId: null };
const PUSHERS = 12;

describe.each(testDatabaseKinds())('concurrent pushes on %s', (kind) => {
  let test: TestDatabase;
  let connections: Database[];
  const repository = repositoryDoc({ name: 'contended' });
  beforeAll(async () => {
    test = await createTestDatabase(kind);
    connections = Array.from({ length: PUSHERS }, () => (kind === 'postgres' ? test.connect() : test.db));
    await pushRows(test.db, ADMIN, {
      collection: 'repositories',
      rows: [{ assumed_master_state: null, new_document_state: repository }],
    });
  });
  afterAll(() => test.dispose());

  const current = async (uid: string) =>
    (await loadStoredDocs(test.db, 'tasks', [uid])).get(uid)!.doc as ReplicatedTask;

  it('lets exactly one of many edits from the same state win; the others get the winner back', async () => {
    const task = taskDoc(repository.uid, { title: 'base' });
    await pushRows(test.db, ADMIN, {
      collection: 'tasks',
      rows: [{ assumed_master_state: null, new_document_state: task }],
    });
    const base = await current(task.uid);
    const results = await Promise.all(
      connections.map((db, index) =>
        pushRows(db, ADMIN, {
          collection: 'tasks',
          rows: [{ assumed_master_state: base, new_document_state: { ...base, title: `edit ${index}` } }],
        }),
      ),
    );
    const winners = results.flatMap((conflicts, index) => (conflicts.length === 0 ? [index] : []));
    expect(winners).toHaveLength(1);
    const stored = await current(task.uid);
    expect(stored.title).toBe(`edit ${winners[0]}`);
    for (const conflicts of results.filter((conflicts) => conflicts.length > 0))
      expect(conflicts).toEqual([stored]);
  });

  it('stores a new row once when many clients create it at once, and answers every one of them', async () => {
    const task = taskDoc(repository.uid, { title: 'created' });
    const results = await Promise.all(
      connections.map((db, index) =>
        pushRows(db, ADMIN, {
          collection: 'tasks',
          // Half resend the same row (a success), half create it with another title (a conflict).
          rows: [
            {
              assumed_master_state: null,
              new_document_state: index % 2 === 0 ? task : { ...task, title: `rival ${index}` },
            },
          ],
        }),
      ),
    );
    const copies = await test.db.query('SELECT 1 FROM tasks WHERE uid = $1', [task.uid]);
    expect(copies).toHaveLength(1);
    const stored = await current(task.uid);
    for (const [index, conflicts] of results.entries()) {
      const mine = index % 2 === 0 ? task.title : `rival ${index}`;
      expect(conflicts).toEqual(stored.title === mine ? [] : [stored]);
    }
  });

  it.runIf(kind === 'postgres')(
    'waits for a writer that has the repository to itself, and only in that repository',
    async () => {
      const other = repositoryDoc({ name: 'elsewhere' });
      await pushRows(test.db, ADMIN, {
        collection: 'repositories',
        rows: [{ assumed_master_state: null, new_document_state: other }],
      });
      const events: string[] = [];
      const hold = await holdRepository(connections[0]!, repository.uid, () =>
        events.push('exclusive writer ended'),
      );
      const push = (db: Database, repositoryUid: string) =>
        pushRows(db, ADMIN, {
          collection: 'tasks',
          rows: [{ assumed_master_state: null, new_document_state: taskDoc(repositoryUid) }],
        });
      const blocked = push(connections[1]!, repository.uid).then(() => events.push('push into it'));
      await push(connections[2]!, other.uid);
      events.push('push elsewhere');
      hold.release();
      await Promise.all([hold.ended, blocked]);
      expect(events).toEqual(['push elsewhere', 'exclusive writer ended', 'push into it']);
    },
  );
});
