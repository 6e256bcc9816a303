// Property: whatever groups form, a push is answered as it would be alone. In each round,
// random pushes (1–3 rows from a small pool of uids) all start from the state the round began
// with and go through PushGroups at once, with 1–3 writers; some come from a caller who
// cannot see the repository. Afterwards, for every uid:
// - of the pushes that edited it from that state, exactly one won (no lost update, no row
//   written twice from the same state), and the server holds the winner's state;
// - every other such push got the server's state back as its conflict for that row;
// - the stranger's pushes wrote nothing: each failed whole (409) or got its rows back as
//   tombstones ("does not exist for you").
// PROPERTY_RUNS=n runs more cases (default 10 per database); PROPERTY_SEED replays a case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PushRequest, ReplicatedTask } from '@wikisync/shared';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import type { Principal } from '../auth/principal.js';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../testing/test-database.js';
import { MissingReferencesError } from '../errors.js';
import { checkPush, pushRows } from './push.js';
import { PushGroups } from './push-groups.js';
import { loadStoredDocs } from './replicated-rows.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 10);
const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined;
const POOL = 6;

const ADMIN: Principal = { userId: 0, userName: 'admin', isAdmin: true, tokenId: null };
const STRANGER: Principal = { userId: 777, userName: 'stranger', isAdmin: false, tokenId: null };

interface PushPlan {
  stranger: boolean;
  rows: { slot: number; remove: boolean }[];
}

const pushArb: fc.Arbitrary<PushPlan> = fc.record({
  stranger: fc.integer({ min: 0, max: 9 }).map((draw) => draw < 2),
  rows: fc.uniqueArray(fc.record({ slot: fc.integer({ min: 0, max: POOL - 1 }), remove: fc.boolean() }), {
    minLength: 1,
    maxLength: 3,
    selector: (row) => row.slot,
  }),
});
const roundArb = fc.record({
  writers: fc.integer({ min: 1, max: 3 }),
  pushes: fc.array(pushArb, { minLength: 2, maxLength: 20 }),
});

describe.each(testDatabaseKinds())('grouped pushes, as a property, on %s', (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(kind);
  });
  afterAll(() => test.dispose());

  it('answers every push as alone: one winner per row and state, the others get it back', async () => {
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(roundArb, { minLength: 1, maxLength: 3 }), async (rounds) => {
        const repository = repositoryDoc({ name: `property ${++counter}` });
        await pushRows(test.db, ADMIN, {
          collection: 'repositories',
          rows: [{ assumed_master_state: null, new_document_state: repository }],
        });
        const uids = Array.from({ length: POOL }, () => taskDoc(repository.uid).uid);
        let titles = 0;
        for (const round of rounds) {
          const before = await loadStoredDocs(test.db, 'tasks', uids);
          const requests = round.pushes.map((plan): PushRequest => ({
            collection: 'tasks',
            rows: plan.rows.flatMap(({ slot, remove }) => {
              const uid = uids[slot]!;
              const current = before.get(uid)?.doc as ReplicatedTask | undefined;
              // A tombstone of a row the server never had would "win" without writing.
              if (remove && !current) return [];
              const title = `title ${++titles}`;
              const next: ReplicatedTask = current
                ? { ...current, title, _deleted: remove }
                : taskDoc(repository.uid, { uid, title });
              return [{ assumed_master_state: current ?? null, new_document_state: next }];
            }),
          }));
          const groups = new PushGroups(test.db, { writers: round.writers });
          const settled = await Promise.allSettled(
            requests.map((request, index) =>
              groups.write(round.pushes[index]!.stranger ? STRANGER : ADMIN, checkPush(request)),
            ),
          );
          const after = await loadStoredDocs(test.db, 'tasks', uids);

          const winners = new Map<string, ReplicatedTask[]>();
          for (const [index, result] of settled.entries()) {
            const rows = requests[index]!.rows;
            if (round.pushes[index]!.stranger) {
              if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(MissingReferencesError);
              else
                expect(result.value).toEqual(
                  // A tombstone for a row one cannot see is a no-op, with no answer.
                  rows
                    .filter(({ new_document_state: next }) => !next._deleted)
                    .map(({ new_document_state: next }) => ({ ...next, id: null, _deleted: true })),
                );
              continue;
            }
            if (result.status === 'rejected') throw result.reason;
            const conflicts = new Map(result.value.map((doc) => [doc.uid, doc]));
            for (const { new_document_state: next } of rows) {
              const conflict = conflicts.get(next.uid);
              if (conflict) expect(conflict).toEqual(after.get(next.uid)?.doc);
              else winners.set(next.uid, [...(winners.get(next.uid) ?? []), next as ReplicatedTask]);
            }
          }
          for (const uid of uids) {
            const edited = requests.some(
              (request, index) =>
                !round.pushes[index]!.stranger &&
                request.rows.some((row) => row.new_document_state.uid === uid),
            );
            const won = winners.get(uid) ?? [];
            expect(won.length).toBe(edited ? 1 : 0);
            const stored = after.get(uid)?.doc as ReplicatedTask | undefined;
            if (won[0]) {
              expect(stored?.title).toBe(won[0].title);
              expect(stored?._deleted).toBe(won[0]._deleted);
            } else {
              expect(stored).toEqual(before.get(uid)?.doc);
            }
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
