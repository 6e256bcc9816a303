// Property: three clients edit line ranges of the same task outline while offline, then
// reconnect in a random order. Edits to ranges apart from each other (an untouched line
// between them) all merge: every replica ends with the same text, holding every edit, and
// nobody is asked anything. Ranges that may overlap also converge, and each client's edit
// is in the final text or in a conflict that client recorded.
// PROPERTY_RUNS=n runs more cases (default 6 per database and kind); PROPERTY_SEED replays one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { TEST_ADMIN_TOKEN } from '../../apps/server/src/testing/test-app.js';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { contents, local, openClient, startSyncServer, waitUntil } from '../support/sync-client.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 6);
const CLIENTS = 3;
const ZONE = 10;
const BASE = Array.from({ length: CLIENTS * ZONE }, (_, i) => `line ${i}`);

interface LineEdit {
  /** First base line replaced, and how many. */
  start: number;
  count: number;
  /** How many new lines replace them (0: the range is deleted). */
  added: number;
}

const newLines = (client: number, edit: LineEdit) =>
  Array.from({ length: edit.added }, (_, i) => `client ${client} line ${i}`);
const applyEdit = (lines: string[], client: number, edit: LineEdit) => [
  ...lines.slice(0, edit.start),
  ...newLines(client, edit),
  ...lines.slice(edit.start + edit.count),
];

/** An edit inside one zone of ZONE lines, never touching its first or last line. */
const editInZone = (zone: number): fc.Arbitrary<LineEdit> =>
  fc
    .record({ offset: fc.integer({ min: 1, max: ZONE - 2 }), count: fc.integer({ min: 1, max: 3 }) })
    .chain(({ offset, count }) =>
      fc.record({
        start: fc.constant(zone * ZONE + offset),
        count: fc.constant(Math.min(count, ZONE - 1 - offset)),
        added: fc.integer({ min: 0, max: 3 }),
      }),
    );
const editAnywhere: fc.Arbitrary<LineEdit> = fc
  .record({ start: fc.integer({ min: 0, max: BASE.length - 1 }), count: fc.integer({ min: 1, max: 4 }) })
  .chain(({ start, count }) =>
    fc.record({
      start: fc.constant(start),
      count: fc.constant(Math.min(count, BASE.length - start)),
      added: fc.integer({ min: 0, max: 3 }),
    }),
  );

const order = fc.shuffledSubarray([0, 1, 2], { minLength: CLIENTS, maxLength: CLIENTS });
const apart = fc.record({
  // Client c edits in zone zones[c]: zones are ZONE lines long and edits skip their edges.
  zones: order,
  edits: fc.tuple(editInZone(0), editInZone(1), editInZone(2)),
  reconnect: order,
});
const anywhere = fc.record({
  edits: fc.tuple(editAnywhere, editAnywhere, editAnywhere),
  reconnect: order,
});

describe.each(testDatabaseKinds())('line merge of a long text on %s', (kind) => {
  let server: Awaited<ReturnType<typeof startSyncServer>>;
  beforeAll(async () => {
    server = await startSyncServer(kind);
  });
  afterAll(() => server.close());

  /** Three clients with the same task, paused, each with its edit applied; then reconnected. */
  async function editOfflineAndReconnect(edits: LineEdit[], reconnect: number[]) {
    const repo = repositoryDoc({ name: 'line-merge' });
    const task = taskDoc(repo.uid, { outline: BASE.join('\n') });
    const clients: Awaited<ReturnType<typeof openClient>>[] = [];
    try {
      for (let c = 0; c < CLIENTS; c++) clients.push(await openClient(server.url, TEST_ADMIN_TOKEN));
      await clients[0]!.replica.collections.repositories.insert(local(repo));
      await clients[0]!.replica.collections.tasks.insert(local(task));
      for (const client of clients)
        await waitUntil(
          async () => (await contents(client, 'tasks')).some((doc) => doc.uid === task.uid),
          'every client has the task',
        );
      await Promise.all(clients.map((client) => client.sync.awaitInSync()));
      for (const client of clients) await client.sync.pause();
      for (let c = 0; c < CLIENTS; c++) {
        const doc = await clients[c]!.replica.collections.tasks.findOne(task.uid).exec();
        await doc!.incrementalPatch({ outline: applyEdit(BASE, c, edits[c]!).join('\n') });
      }
      for (const c of reconnect) {
        await clients[c]!.sync.resume();
        await clients[c]!.sync.awaitInSync();
      }
      const outlines = async () =>
        Promise.all(
          clients.map(
            async (client) => (await client.replica.collections.tasks.findOne(task.uid).exec())!.outline,
          ),
        );
      await waitUntil(
        async () => {
          for (const client of clients) client.sync.resync();
          await Promise.all(clients.map((client) => client.sync.awaitInSync()));
          return new Set(await outlines()).size === 1;
        },
        'every replica holds the same text',
        20_000,
      );
      const conflicts = await Promise.all(
        clients.map(async (client) =>
          (await client.replica.collections.sync_conflicts.find().exec()).map((doc) => doc.toJSON()),
        ),
      );
      return { text: (await outlines())[0]!, conflicts };
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  }

  it('merges edits of ranges apart from each other, whatever the order, with no conflict', async () => {
    await fc.assert(
      fc.asyncProperty(apart, async ({ zones, edits, reconnect }) => {
        // Client c edits in zone zones[c]: move each edit into its client's zone.
        const placed = edits.map((edit, c) => ({ ...edit, start: edit.start + (zones[c]! - c) * ZONE }));
        const { text, conflicts } = await editOfflineAndReconnect(placed, reconnect);
        // Apply the edits from the bottom up, so each one's line numbers stay valid.
        let expected = BASE;
        for (const c of [0, 1, 2].sort((x, y) => placed[y]!.start - placed[x]!.start))
          expected = applyEdit(expected, c, placed[c]!);
        expect(text).toBe(expected.join('\n'));
        expect(conflicts.flat()).toEqual([]);
      }),
      { numRuns: RUNS, seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined },
    );
  }, 300_000);

  it('keeps every edit of ranges that may overlap, in the text or in a recorded conflict', async () => {
    await fc.assert(
      fc.asyncProperty(anywhere, async ({ edits, reconnect }) => {
        const { text, conflicts } = await editOfflineAndReconnect(edits, reconnect);
        const lines = text.split('\n');
        for (let c = 0; c < CLIENTS; c++) {
          const edit = edits[c]!;
          const added = newLines(c, edit);
          const inText =
            added.length > 0
              ? text.includes(added.join('\n'))
              : BASE.slice(edit.start, edit.start + edit.count).every((line) => !lines.includes(line));
          const recorded = conflicts[c]!.some(
            (record) =>
              record.local.outline === applyEdit(BASE, c, edit).join('\n') && (record.hunks ?? []).length > 0,
          );
          expect(inText || recorded, `client ${c}'s edit ${JSON.stringify(edit)} is lost`).toBe(true);
        }
      }),
      { numRuns: RUNS, seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined },
    );
  }, 300_000);
});
