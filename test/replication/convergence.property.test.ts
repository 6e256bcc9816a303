// Property: three clients make random edits, deletes, creates and disconnects in random
// interleavings. Once they settle, every replica equals the server, and every local edit is
// either on the server (the server accepted a push carrying it) or recorded as a conflict on
// the client that made it, unless the same client overwrote or deleted it before it could
// be pushed. Nothing is lost silently.
// PROPERTY_RUNS=n runs more cases (default 15 per database); PROPERTY_SEED replays a case.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { jsonOf } from '../../apps/server/src/testing/test-app.js';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { grantAccess } from '../../apps/server/src/auth/user-store.js';
import { toWireDoc } from '../../apps/web/src/sync/resolve-recorded-conflict.js';
import { openClient, useSyncServer, waitUntil, type Client } from '../support/sync-client.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 15);
const CLIENTS = 3;
const SLOTS = 4;
const FIELDS = ['title', 'outline'] as const;

type Action =
  | { kind: 'create'; client: number; slot: number }
  | { kind: 'edit'; client: number; slot: number; field: (typeof FIELDS)[number] }
  | { kind: 'delete'; client: number; slot: number }
  | { kind: 'disconnect'; client: number }
  | { kind: 'reconnect'; client: number }
  | { kind: 'wait'; ms: number };

const client = fc.integer({ min: 0, max: CLIENTS - 1 });
const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), client, slot }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      client,
      slot,
      field: fc.constantFrom(...FIELDS),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), client, slot }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), client }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), client }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 60 }) }),
  },
);

/**
 * The replicated fields. The server's `id` is left out: a replica that created a row learns
 * it only from a pull that runs after its push was recorded (see docs/replication.md).
 */
function comparable(doc: Record<string, unknown>) {
  const { id: _serverId, ...fields } = toWireDoc('tasks', doc);
  return fields;
}

interface LocalEdit {
  client: number;
  uid: string;
  field: string;
  value: unknown;
  superseded: boolean;
}

describe.each(testDatabaseKinds())('replication property on %s', (kind) => {
  const server = useSyncServer(kind, { per: 'block' });
  let round = 0;

  /** The server's tasks of one repository, as a reader with access sees them. */
  async function serverTasks(token: string) {
    const docs: Record<string, unknown>[] = [];
    let checkpoint = 0;
    for (;;) {
      const page = (
        await jsonOf(
          await server.app.request(
            'GET',
            `/api/v1/sync/changes?collection=tasks&checkpoint=${checkpoint}&limit=1000`,
            { token },
          ),
        )
      ).data;
      docs.push(...page.documents);
      checkpoint = page.checkpoint.server_version;
      if (!page.has_more) break;
    }
    return new Map(docs.map((doc) => [String(doc.uid), doc]));
  }

  async function runCase(actions: Action[]) {
    round++;
    const user = await server.app.createUserWithToken(`property-${round}-${Date.now()}`);
    const repo = repositoryDoc({ name: `property-${round}` });
    await server.app.request('POST', '/api/v1/sync/push', {
      body: { collection: 'repositories', rows: [{ assumed_master_state: null, new_document_state: repo }] },
    });
    const { id } = (
      await server.app.database.db.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [
        repo.uid,
      ])
    )[0]!;
    await grantAccess(server.app.database.db, user.userId, id, 'write');

    const accepted: { client: number; doc: Record<string, unknown> }[] = [];
    const clients: Client[] = [];
    const paused = new Set<number>();
    const edits: LocalEdit[] = [];
    const uidOf = (s: number) => `${repo.uid.slice(0, 20)}-slot-${s}`;
    let counter = 0;
    try {
      for (let c = 0; c < CLIENTS; c++) {
        // Record which pushed rows the server accepted, as the client saw the answers.
        const recordingFetch = async (input: string, init?: RequestInit) => {
          const response = await fetch(input, init);
          if (input.endsWith('/push') && response.ok) {
            const body = JSON.parse(String(init?.body)) as {
              collection: string;
              rows: { new_document_state: Record<string, unknown> }[];
            };
            const answer = (await response.clone().json()) as { data: { conflicts: { uid: string }[] } };
            const refused = new Set(answer.data.conflicts.map((doc) => doc.uid));
            if (body.collection === 'tasks') {
              for (const row of body.rows)
                if (!refused.has(String(row.new_document_state.uid)))
                  accepted.push({ client: c, doc: row.new_document_state });
            }
          }
          return response;
        };
        clients.push(await openClient(server.url, user.token, { fetch: recordingFetch }));
      }
      await Promise.all(clients.map((each) => each.sync.awaitInSync()));

      for (const action of actions) {
        if (action.kind === 'wait') {
          await new Promise((resolve) => setTimeout(resolve, action.ms));
          continue;
        }
        const target = clients[action.client]!;
        const tasks = target.replica.collections.tasks;
        if (action.kind === 'disconnect') {
          if (!paused.has(action.client)) await target.sync.pause();
          paused.add(action.client);
        } else if (action.kind === 'reconnect') {
          if (paused.has(action.client)) await target.sync.resume();
          paused.delete(action.client);
        } else if (action.kind === 'create') {
          const uid = uidOf(action.slot);
          if (await tasks.findOne(uid).exec()) continue;
          const { _deleted, ...doc } = taskDoc(repo.uid, {
            uid,
            title: `c${action.client}-new-${++counter}`,
          });
          // Inserting over a local tombstone revives the row: that overrides this client's delete.
          try {
            await tasks.insert(doc);
          } catch (error) {
            // A pull wrote the row between findOne and insert: as a user, we would now edit it.
            if ((error as { code?: string }).code === 'CONFLICT') continue;
            throw error;
          }
          for (const edit of edits)
            if (edit.client === action.client && edit.uid === uid) edit.superseded = true;
          edits.push({ client: action.client, uid, field: 'title', value: doc.title, superseded: false });
        } else {
          const uid = uidOf(action.slot);
          const doc = await tasks.findOne(uid).exec();
          if (!doc) continue;
          const mine = (field: string) =>
            edits.filter(
              (e) => e.client === action.client && e.uid === uid && (field === '*' || e.field === field),
            );
          if (action.kind === 'delete') {
            await doc.incrementalRemove();
            for (const edit of mine('*')) edit.superseded = true;
            edits.push({ client: action.client, uid, field: '_deleted', value: true, superseded: false });
          } else {
            const value = `c${action.client}-${action.field}-${++counter}`;
            await doc.incrementalPatch({ [action.field]: value });
            for (const edit of mine(action.field)) edit.superseded = true;
            edits.push({ client: action.client, uid, field: action.field, value, superseded: false });
          }
        }
      }

      for (const c of paused) await clients[c]!.sync.resume();
      let onServer: Map<string, Record<string, unknown>> = new Map();
      const replicas = async () =>
        Promise.all(
          clients.map(async (each) => {
            const docs = await each.replica.collections.tasks.find().exec();
            return new Map(docs.map((doc) => [doc.uid, comparable({ ...doc.toJSON(), _deleted: false })]));
          }),
        );
      const liveOnServer = () =>
        new Map([...onServer].filter(([, doc]) => !doc._deleted).map(([uid, doc]) => [uid, comparable(doc)]));
      const settled = async () => {
        for (const each of clients) each.sync.resync();
        await Promise.all(clients.map((each) => each.sync.awaitInSync()));
        onServer = await serverTasks(user.token);
        const expected = liveOnServer();
        return (await replicas()).every(
          (replica) => JSON.stringify([...replica].sort()) === JSON.stringify([...expected].sort()),
        );
      };
      try {
        await waitUntil(settled, 'every replica equals the server', 30_000);
      } catch (error) {
        // Print what a failed case needs for diagnosis: each replica's rows, what its
        // replication assumes the server holds, which pushes were accepted, what it recorded.
        const recordedConflicts = await Promise.all(
          clients.map(async (each) =>
            (await each.replica.collections.sync_conflicts.find().exec()).map((doc) => {
              const d = doc.toJSON();
              return [
                d.uid.slice(-6),
                (d.local as Record<string, unknown>).title,
                (d.local as Record<string, unknown>).outline,
                (d.kept as Record<string, unknown>).outline,
              ];
            }),
          ),
        );
        const states = await Promise.all(
          clients.map(async (each) => ({
            replica: Object.fromEntries(await (async () => (await replicas())[clients.indexOf(each)]!)()),
            status: await new Promise((resolve) => each.sync.status$.subscribe(resolve).unsubscribe()),
          })),
        );
        const { getAssumedMasterState } = await import('rxdb/plugins/core');
        const diagnostics = await Promise.all(
          clients.map(async (each, n) => {
            const internal = each.sync.states.tasks.internalReplicationState!;
            const uids = [...onServer.keys()];
            const assumed = await getAssumedMasterState(internal, uids);
            return {
              n,
              assumed: Object.fromEntries(
                Object.entries(assumed).map(([uid, a]) => [
                  uid.slice(-6),
                  [a.docData.title, a.docData.outline, a.docData._deleted, a.metaDocument.isResolvedConflict],
                ]),
              ),
              accepted: accepted
                .filter((row) => row.client === n)
                .map((row) => [
                  String(row.doc.uid).slice(-6),
                  row.doc.title,
                  row.doc.outline,
                  row.doc._deleted,
                ]),
              conflicts: recordedConflicts[n],
            };
          }),
        );
        console.error(
          'not settled',
          JSON.stringify(
            {
              server: Object.fromEntries(
                [...liveOnServer()].map(([u, d]) => [u.slice(-6), [d.title, d.outline]]),
              ),
              replicas: states.map((st) =>
                Object.fromEntries(
                  Object.entries(st.replica).map(([u, d]) => [
                    u.slice(-6),
                    [(d as Record<string, unknown>).title, (d as Record<string, unknown>).outline],
                  ]),
                ),
              ),
              diagnostics,
              actions,
            },
            null,
            0,
          ),
        );
        throw error;
      }

      const expected = liveOnServer();
      for (const replica of await replicas())
        expect(Object.fromEntries(replica)).toEqual(Object.fromEntries(expected));
      const conflicts = await Promise.all(
        clients.map(async (each) =>
          (await each.replica.collections.sync_conflicts.find().exec()).map((doc) => doc.toJSON()),
        ),
      );
      for (const edit of edits) {
        if (edit.superseded) continue;
        const pushed = accepted.some(
          (row) =>
            row.client === edit.client && row.doc.uid === edit.uid && row.doc[edit.field] === edit.value,
        );
        const recorded = conflicts[edit.client]!.some(
          (record) => record.uid === edit.uid && record.local[edit.field] === edit.value,
        );
        // The server may hold the value without this client's push being the one it took: a
        // delete of a row another client already deleted is answered as a (harmless) conflict.
        const onServerNow = onServer.get(edit.uid)?.[edit.field] === edit.value;
        expect(pushed || recorded || onServerNow, `edit lost: ${JSON.stringify(edit)}`).toBe(true);
      }
    } finally {
      await Promise.all(clients.map((each) => each.close()));
    }
  }

  it('converges with nothing silently lost', async () => {
    const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined;
    await fc.assert(fc.asyncProperty(fc.array(actionArb, { minLength: 5, maxLength: 30 }), runCase), {
      numRuns: RUNS,
      seed,
      path: process.env.PROPERTY_PATH,
      endOnFailure: true,
    });
  }, 300_000);
});
