// Group commit of pushes (push-groups.ts): pushes that wait share a transaction, and each
// still gets exactly what it would have got alone: its own conflicts, its own error, its row
// compared against the state before it, and no wait on a repository it does not name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushRequest, ReplicatedTask } from '@wikisync/shared';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import type { Database } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/test-database.js';
import { holdRepository } from '../testing/repository-hold.js';
import { MissingReferencesError } from '../errors.js';
import { checkPush, pushRows } from './push.js';
import { PushGroups } from './push-groups.js';
import { loadStoredDocs } from './replicated-rows.js';

const ADMIN: Principal = { userId: 0, userName: 'admin', isAdmin: true, tokenId: null };
/** A signed-in user with no grant: the test repository does not exist for them. */
const STRANGER: Principal = { userId: 4242, userName: 'stranger', isAdmin: false, tokenId: null };

/** `db` with its transactions counted. */
function counted(db: Database): { db: Database; transactions: () => number } {
  let transactions = 0;
  const wrapped: Database = Object.create(db) as Database;
  wrapped.transaction = (work) => {
    transactions++;
    return db.transaction(work);
  };
  return { db: wrapped, transactions: () => transactions };
}

const newTask = (task: ReplicatedTask): PushRequest => ({
  collection: 'tasks',
  rows: [{ assumed_master_state: null, new_document_state: task }],
});

describe.each(testDatabaseKinds())('grouped pushes on %s', (kind) => {
  let test: TestDatabase;
  const repository = repositoryDoc({ name: 'grouped' });
  const elsewhere = repositoryDoc({ name: 'elsewhere' });
  beforeAll(async () => {
    test = await createTestDatabase(kind);
    for (const doc of [repository, elsewhere]) {
      await pushRows(test.db, ADMIN, {
        collection: 'repositories',
        rows: [{ assumed_master_state: null, new_document_state: doc }],
      });
    }
  });
  afterAll(() => test.dispose());

  const stored = async (uids: string[]) => loadStoredDocs(test.db, 'tasks', uids);

  it('writes pushes that wait in one transaction, and answers each with its own conflicts', async () => {
    // Rows that exist already: pushing other content for them with no assumed state conflicts.
    const existing = Array.from({ length: 5 }, (_, index) =>
      taskDoc(repository.uid, { title: `old ${index}` }),
    );
    for (const task of existing) await pushRows(test.db, ADMIN, newTask(task));
    const fresh = Array.from({ length: 15 }, (_, index) =>
      taskDoc(repository.uid, { title: `new ${index}` }),
    );

    const { db, transactions } = counted(test.db);
    const groups = new PushGroups(db, { writers: 1 });
    const requests = [
      ...fresh.map(newTask),
      ...existing.map((task) => newTask({ ...task, title: `${task.title}, edited blind` })),
    ];
    const answers = await Promise.all(requests.map((request) => groups.write(ADMIN, checkPush(request))));

    // The first push finds the lane idle and runs alone; the other 19 wait for it and share one.
    expect(transactions()).toBe(2);
    const now = await stored([...fresh, ...existing].map((task) => task.uid));
    for (const task of fresh) expect(now.get(task.uid)?.doc.title).toBe(task.title);
    for (const [index, task] of existing.entries()) {
      const serverState = now.get(task.uid)!.doc;
      expect(serverState.title).toBe(`old ${index}`);
      expect(answers[fresh.length + index]).toEqual([serverState]);
    }
    for (const answer of answers.slice(0, fresh.length)) expect(answer).toEqual([]);
  });

  it('fails only the push at fault; the rest of its group lands', async () => {
    const { db, transactions } = counted(test.db);
    const groups = new PushGroups(db, { writers: 1 });
    const mine = Array.from({ length: 6 }, (_, index) => taskDoc(repository.uid, { title: `mine ${index}` }));
    const theirs = taskDoc(repository.uid, { title: 'into a repository the stranger cannot see' });
    const settled = await Promise.allSettled([
      ...mine.slice(0, 3).map((task) => groups.write(ADMIN, checkPush(newTask(task)))),
      groups.write(STRANGER, checkPush(newTask(theirs))),
      ...mine.slice(3).map((task) => groups.write(ADMIN, checkPush(newTask(task)))),
    ]);

    expect(settled.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect((settled[3] as PromiseRejectedResult).reason).toBeInstanceOf(MissingReferencesError);
    const now = await stored([...mine, theirs].map((task) => task.uid));
    for (const task of mine) expect(now.get(task.uid)?.doc.title).toBe(task.title);
    expect(now.has(theirs.uid)).toBe(false);
    // One alone, one group of six that rolled back, then each of the six alone.
    expect(transactions()).toBe(1 + 1 + 6);
  });

  it('rolls back a push whose row the database refuses, though its rows went out back to back', async () => {
    // A refusal the schemas cannot foresee, raised by the database on one row's insert.
    await test.db.exec(`
      CREATE FUNCTION refuse_exploding() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.title = 'explode' THEN RAISE EXCEPTION 'refused by the test'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_exploding BEFORE INSERT ON tasks
        FOR EACH ROW EXECUTE FUNCTION refuse_exploding();`);
    try {
      const doomed = ['a', 'b', 'explode', 'c', 'd'].map((title) => taskDoc(repository.uid, { title }));
      await expect(
        pushRows(test.db, ADMIN, {
          collection: 'tasks',
          rows: doomed.map((task) => ({ assumed_master_state: null, new_document_state: task })),
        }),
      ).rejects.toThrow('refused by the test');
      expect((await stored(doomed.map((task) => task.uid))).size).toBe(0);

      // In a group, only the push with the refused row fails.
      const groups = new PushGroups(test.db, { writers: 1 });
      const tasks = ['e', 'f', 'explode', 'g'].map((title) => taskDoc(repository.uid, { title }));
      const settled = await Promise.allSettled(
        tasks.map((task) => groups.write(ADMIN, checkPush(newTask(task)))),
      );
      expect(settled.map((result) => result.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      const now = await stored(tasks.map((task) => task.uid));
      expect([...now.values()].map((row) => row.doc.title).sort()).toEqual(['e', 'f', 'g']);
    } finally {
      await test.db.exec('DROP TRIGGER refuse_exploding ON tasks; DROP FUNCTION refuse_exploding();');
    }
  });

  it('never puts two pushes of one row in a group: the later one is compared against the first', async () => {
    const { db, transactions } = counted(test.db);
    const groups = new PushGroups(db, { writers: 1 });
    const task = taskDoc(repository.uid, { title: 'created twice' });
    const first = { ...task, title: 'first' };
    const second = { ...task, title: 'second' };
    const fillers = Array.from({ length: 4 }, () => taskDoc(repository.uid));
    const answers = await Promise.all([
      groups.write(ADMIN, checkPush(newTask(fillers[0]!))),
      groups.write(ADMIN, checkPush(newTask(first))),
      groups.write(ADMIN, checkPush(newTask(fillers[1]!))),
      groups.write(ADMIN, checkPush(newTask(second))),
      ...fillers.slice(2).map((filler) => groups.write(ADMIN, checkPush(newTask(filler)))),
    ]);
    const now = (await stored([task.uid])).get(task.uid)!.doc;
    expect(now.title).toBe('first');
    expect(answers[1]).toEqual([]);
    expect(answers[3]).toEqual([now]);
    const fillersNow = await stored(fillers.map((filler) => filler.uid));
    expect(fillersNow.size).toBe(fillers.length);
    // The first filler alone; `first` with the other fillers; `second` after them, alone.
    expect(transactions()).toBe(3);
  });

  it('groups pushes into different repositories too', async () => {
    const { db, transactions } = counted(test.db);
    const groups = new PushGroups(db, { writers: 1 });
    const tasks = Array.from({ length: 10 }, (_, index) =>
      taskDoc((index % 2 === 0 ? repository : elsewhere).uid, { title: `spread ${index}` }),
    );
    const answers = await Promise.all(tasks.map((task) => groups.write(ADMIN, checkPush(newTask(task)))));
    expect(answers).toEqual(tasks.map(() => []));
    expect((await stored(tasks.map((task) => task.uid))).size).toBe(tasks.length);
    expect(transactions()).toBe(2);
  });

  it.runIf(kind === 'postgres')(
    'lets pushes into other repositories pass a group that waits for a locked repository',
    async () => {
      const groups = new PushGroups(test.connect(), { writers: 1 });
      const events: string[] = [];
      const hold = await holdRepository(test.connect(), repository.uid, () =>
        events.push('exclusive writer ended'),
      );
      const blocked = Promise.all(
        [1, 2, 3].map(() => groups.write(ADMIN, checkPush(newTask(taskDoc(repository.uid))))),
      ).then(() => events.push('pushes into it'));
      await Promise.all([1, 2, 3].map(() => groups.write(ADMIN, checkPush(newTask(taskDoc(elsewhere.uid))))));
      events.push('pushes elsewhere');
      hold.release();
      await Promise.all([hold.ended, blocked]);
      expect(events).toEqual(['pushes elsewhere', 'exclusive writer ended', 'pushes into it']);
    },
  );
});
