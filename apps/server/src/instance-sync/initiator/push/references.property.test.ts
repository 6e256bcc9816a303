// Property: after a push, and after edits and a push again, the receiver's copy has the same
// references as the sender (a task's document and the task it runs after, a document's newer
// version), whichever transport carried them (one small batch, or copy requests with the
// task's document in its row), and none of them points into another repository, also when
// another repository on the receiver holds some of the sent uids.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Database, writeTransaction } from '../../../db/database.js';
import { testDatabaseKinds } from '../../../testing/test-database.js';
import { linkPeers, runSync, usePeers } from '../../../testing/peer-test-kit.js';

/** The live rows of a repository and their references, by title (uids may differ). */
async function references(db: Database, repositoryId: number) {
  const tasks = await db.query(
    `SELECT t.title, d.title AS doc, ra.title AS run_after
       FROM tasks t
       LEFT JOIN documents d ON d.uid = t.doc_uid AND d.repository_id = t.repository_id
       LEFT JOIN tasks ra ON ra.uid = t.run_after_uid AND ra.repository_id = t.repository_id
      WHERE t.repository_id = $1 AND NOT t.deleted ORDER BY t.title`,
    [repositoryId],
  );
  const documents = await db.query(
    `SELECT d.title, t.title AS task, r.title AS replaced_by
       FROM documents d
       LEFT JOIN tasks t ON t.id = d.task_id
       LEFT JOIN documents r ON r.uid = d.replaced_by_uid AND r.repository_id = d.repository_id
      WHERE d.repository_id = $1 AND NOT d.deleted ORDER BY d.title`,
    [repositoryId],
  );
  return { tasks, documents };
}

/** References of the repository's rows that name a row of another repository. */
async function intoOtherRepositories(db: Database, repositoryId: number): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM tasks t JOIN documents d ON d.uid = t.doc_uid
              WHERE t.repository_id = $1 AND d.repository_id <> $1)
          + (SELECT count(*) FROM tasks t JOIN tasks r ON r.uid = t.run_after_uid
              WHERE t.repository_id = $1 AND r.repository_id <> $1)
          + (SELECT count(*) FROM documents d JOIN documents r ON r.uid = d.replaced_by_uid
              WHERE d.repository_id = $1 AND r.repository_id <> $1) AS n`,
    [repositoryId],
  );
  return Number(row!.n);
}

const scenario = fc.record({
  // Large: past the small push (200 documents), so rows go as copy requests.
  large: fc.boolean(),
  tasks: fc.integer({ min: 2, max: 8 }),
  documentsPerTask: fc.integer({ min: 1, max: 3 }),
  picks: fc.array(fc.nat({ max: 1_000_000 }), { minLength: 97, maxLength: 97 }),
});

describe.each(testDatabaseKinds())('references across a push on %s (property)', (kind) => {
  const [a, b] = usePeers(kind, {}, {});
  let run = 0;

  it('converge, and never point into another repository', async () => {
    await linkPeers(a, b);
    await fc.assert(
      fc.asyncProperty(scenario, async ({ large, tasks: few, documentsPerTask, picks }) => {
        const tasks = large ? 70 : few;
        const perTask = large ? 3 : documentsPerTask;
        let next = 0;
        /** The next choice below `n`, from the generated picks in turn. */
        const pick = (n: number) => picks[next++ % picks.length]! % n;
        const id = `ref-${kind}-${++run}`;
        const taskUid = (i: number) => `${id}-t${i}`;
        const documentUid = (i: number, k: number) => `${id}-t${i}-d${k}`;
        const allDocuments = Array.from({ length: tasks }, (_, i) =>
          Array.from({ length: perTask }, (_, k) => ({ i, k })),
        ).flat();
        const anyDocument = () => {
          const { i, k } = allDocuments[pick(allDocuments.length)]!;
          return documentUid(i, k);
        };

        const repositoryId = await writeTransaction(a.t.database.db, async (tx) => {
          const [repository] = await tx.query<{ id: number }>(
            `INSERT INTO repositories (uid, name, status) VALUES ($1, $1, 'ready') RETURNING id`,
            [id],
          );
          const rid = Number(repository!.id);
          for (let i = 0; i < tasks; i++) {
            const [task] = await tx.query<{ id: number }>(
              `INSERT INTO tasks (uid, repository_id, title, status, sort_order) VALUES ($1, $2, $3, 'succeeded', $4) RETURNING id`,
              [taskUid(i), rid, `${id} task ${i}`, i],
            );
            for (let k = 0; k < perTask; k++)
              await tx.query(
                `INSERT INTO documents (uid, repository_id, task_id, title, content) VALUES ($1, $2, $3, $4, 'x')`,
                [documentUid(i, k), rid, task!.id, `${id} doc ${i}.${k}`],
              );
          }
          // A task's document: mostly one of its own, sometimes another task's, sometimes none.
          for (let i = 0; i < tasks; i++) {
            const choice = pick(4);
            const doc = choice === 0 ? null : choice === 1 ? anyDocument() : documentUid(i, pick(perTask));
            const runAfter = pick(3) === 0 ? taskUid(pick(tasks)) : null;
            await tx.query(`UPDATE tasks SET doc_uid = $2, run_after_uid = $3 WHERE uid = $1`, [
              taskUid(i),
              doc,
              runAfter,
            ]);
          }
          for (const { i, k } of allDocuments)
            if (pick(4) === 0)
              await tx.query(`UPDATE documents SET replaced_by_uid = $2 WHERE uid = $1`, [
                documentUid(i, k),
                anyDocument(),
              ]);
          return rid;
        });

        // Another repository on the receiver already holds some of these uids.
        await writeTransaction(b.t.database.db, async (tx) => {
          const [other] = await tx.query<{ id: number }>(
            `INSERT INTO repositories (uid, name) VALUES ($1, $1) RETURNING id`,
            [`${id}-elsewhere`],
          );
          for (let i = 0; i < tasks; i++)
            if (pick(5) === 0)
              await tx.query(
                `INSERT INTO tasks (uid, repository_id, title) VALUES ($1, $2, 'foreign task')`,
                [taskUid(i), other!.id],
              );
          for (const { i, k } of allDocuments)
            if (pick(5) === 0)
              await tx.query(
                `INSERT INTO documents (uid, repository_id, title) VALUES ($1, $2, 'foreign doc')`,
                [documentUid(i, k), other!.id],
              );
        });

        const first = await runSync(a, '/api/sync', { target_server: b.base, repository_id: repositoryId });
        expect(first.session).toMatchObject({ status: 'completed', error: null });
        const copy = Number(first.session.remote_repository_id);
        expect(await references(b.t.database.db, copy)).toEqual(
          await references(a.t.database.db, repositoryId),
        );
        expect(await intoOtherRepositories(b.t.database.db, copy)).toBe(0);

        // Edits: tasks move to other documents or to none, versions change, and again.
        await writeTransaction(a.t.database.db, async (tx) => {
          for (let i = 0; i < tasks; i++) {
            if (pick(3) !== 0) continue;
            await tx.query(`UPDATE tasks SET doc_uid = $2 WHERE uid = $1`, [
              taskUid(i),
              pick(3) === 0 ? null : anyDocument(),
            ]);
          }
          for (const { i, k } of allDocuments)
            if (pick(6) === 0)
              await tx.query(`UPDATE documents SET replaced_by_uid = $2 WHERE uid = $1`, [
                documentUid(i, k),
                pick(2) === 0 ? null : anyDocument(),
              ]);
        });
        const again = await runSync(a, '/api/sync', { target_server: b.base, repository_id: repositoryId });
        expect(again.session).toMatchObject({ status: 'completed', error: null });
        expect(Number(again.session.remote_repository_id)).toBe(copy);
        expect(await references(b.t.database.db, copy)).toEqual(
          await references(a.t.database.db, repositoryId),
        );
        expect(await intoOtherRepositories(b.t.database.db, copy)).toBe(0);
      }),
      {
        numRuns: 6,
        // Whatever is drawn, one push goes past the small push.
        examples: [
          [
            {
              large: true,
              tasks: 2,
              documentsPerTask: 1,
              picks: Array.from({ length: 97 }, (_, i) => i * 7919),
            },
          ],
        ],
      },
    );
  }, 120_000);
});
