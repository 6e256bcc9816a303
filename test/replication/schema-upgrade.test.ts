// An app upgrade that changes a replica schema keeps the edits made before it: a replica
// written by the previous app (tasks at version 0, when `run_after` was a time) holds a pulled
// task edited offline and a task created offline; the current app opens it, RxDB migrates it
// (collection-schemas.ts), and both edits reach the real server, without a conflict and without
// pushing again a task nobody edited. The other direction (a replica written by a NEWER app) is
// left untouched and reported, and a client of another protocol MAJOR stops before pushing.
import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { IDBFactory } from 'fake-indexeddb';
import { createRxDatabase, type RxJsonSchema } from 'rxdb/plugins/core';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import type { Checkpoint } from '@wikisync/shared';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { TEST_ADMIN_TOKEN } from '../../apps/server/src/testing/test-app.js';
import { createReplica } from '../../apps/web/src/sync/replica.js';
import { startReplication } from '../../apps/web/src/sync/replication.js';
import { taskSchema } from '../../apps/web/src/sync/collection-schemas.js';
import { ReplicaNewerThanAppError } from '../../apps/web/src/sync/errors.js';
import { freshTestStorage, local, useSyncServer, waitUntil } from '../support/sync-client.js';

type Row = Record<string, unknown>;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The task schema the previous app shipped: version 0, `run_after` a time, no `run_after_uid`. */
function taskSchemaV0(): RxJsonSchema<Row> {
  const schema = clone(taskSchema) as unknown as { version: number; properties: Row; required: string[] };
  const { run_after_uid: _reference, ...properties } = schema.properties;
  return {
    ...schema,
    version: 0,
    properties: { ...properties, run_after: { type: ['string', 'null'] } },
    required: schema.required.map((field) => (field === 'run_after_uid' ? 'run_after' : field)),
  } as unknown as RxJsonSchema<Row>;
}

/** A row as the previous app held it: the time field, not the reference. */
const asV0 = ({ run_after_uid: _reference, _deleted, ...task }: Row): Row & { uid: string } => ({
  ...(task as { uid: string }),
  run_after: null,
});

describe.each(testDatabaseKinds())('replica schema upgrade on %s', (kind) => {
  const server = useSyncServer(kind);
  const query = (sql: string, params: unknown[]) => server.app.database.db.query(sql, params);

  it('migrates a replica of the previous app and pushes the edits it made offline', async () => {
    const seeder = await server.open();
    const repo = repositoryDoc({ name: 'upgrade' });
    const edited = taskDoc(repo.uid, { title: 'before the upgrade' });
    const untouched = taskDoc(repo.uid, { title: 'nobody edits this' });
    await seeder.replica.collections.repositories.insert(local(repo));
    await seeder.replica.collections.tasks.bulkInsert([local(edited), local(untouched)]);
    await seeder.sync.awaitInSync();
    await seeder.close();
    const versionOf = async (uid: string) =>
      (await query('SELECT server_version FROM tasks WHERE uid = $1', [uid]))[0]?.server_version;
    const untouchedVersion = await versionOf(untouched.uid);

    // The previous app: its replica pulled the tasks (as it understood them) and recorded what
    // the server held, under the replication identifier every version of the app uses.
    const indexedDB = new IDBFactory();
    const name = 'upgraded-browser';
    const old = await createRxDatabase({ name, storage: freshTestStorage(indexedDB), multiInstance: false });
    const { tasks } = await old.addCollections({ tasks: { schema: taskSchemaV0() } });
    const oldSync = replicateRxCollection<Row, Checkpoint>({
      replicationIdentifier: `wikisync-tasks-${server.url}/api/v1/sync`,
      collection: tasks,
      live: false,
      pull: {
        handler: async (checkpoint, limit) => {
          const response = await fetch(
            `${server.url}/api/v1/sync/changes?collection=tasks&checkpoint=${checkpoint?.server_version ?? 0}&limit=${limit}`,
            { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
          );
          const { data } = (await response.json()) as { data: { documents: Row[]; checkpoint: Checkpoint } };
          const documents = data.documents.map((doc) => ({ ...asV0(doc), _deleted: doc._deleted === true }));
          return { documents, checkpoint: data.checkpoint };
        },
      },
      push: {
        handler: async () => {
          throw new Error('the previous app had nothing to push before it went offline');
        },
      },
    });
    await oldSync.awaitInSync();
    await oldSync.cancel();
    // Offline: an edit of a pulled task and a new task, then the tab is closed.
    await (await tasks.findOne(edited.uid).exec())!.incrementalPatch({
      title: 'edited offline before the upgrade',
      updated_at: new Date().toISOString(),
    });
    const created = asV0(taskDoc(repo.uid, { title: 'created offline before the upgrade' }));
    await tasks.insert({ ...created, run_after: '2026-01-01T00:00:00.000Z' });
    await old.close();

    // The upgraded app opens the same browser storage.
    const replica = await createReplica({ name, storage: freshTestStorage(indexedDB), multiInstance: false });
    const sync = startReplication(replica, {
      baseUrl: server.url,
      getToken: () => TEST_ADMIN_TOKEN,
      retryTime: 200,
      waitForLeadership: false,
      stream: false,
    });
    try {
      const migrated = (await replica.collections.tasks.findOne(created.uid).exec())!.toJSON() as Row;
      expect(migrated).toMatchObject({ run_after_uid: null, title: 'created offline before the upgrade' });
      expect(migrated).not.toHaveProperty('run_after');

      await waitUntil(
        async () =>
          (await query('SELECT title FROM tasks WHERE uid = $1', [created.uid]))[0]?.title ===
          'created offline before the upgrade',
        'the server has the task created before the upgrade',
      );
      await waitUntil(
        async () =>
          (await query('SELECT title FROM tasks WHERE uid = $1', [edited.uid]))[0]?.title ===
          'edited offline before the upgrade',
        'the server has the edit made before the upgrade',
      );
      await sync.awaitInSync();
      // The recorded server state was migrated too: the edit went through as an update, not a
      // conflict, and the task nobody edited was not sent again.
      expect(await firstValueFrom(sync.openConflicts$)).toEqual([]);
      expect(await firstValueFrom(sync.parkedPushes$)).toEqual([]);
      expect(await versionOf(untouched.uid)).toBe(untouchedVersion);
      expect(await firstValueFrom(sync.updateRequired$)).toBe(false);
    } finally {
      await sync.stop();
      await replica.close();
    }
  });

  it('leaves a replica written by a newer app untouched and says a reload is needed', async () => {
    const indexedDB = new IDBFactory();
    const name = 'newer-replica';
    const newer = await createRxDatabase({
      name,
      storage: freshTestStorage(indexedDB),
      multiInstance: false,
    });
    const schema = { ...clone(taskSchema), version: taskSchema.version + 1 } as RxJsonSchema<Row>;
    const strategies = Object.fromEntries(
      Array.from({ length: schema.version }, (_, i) => [i + 1, (doc: Row) => doc]),
    );
    const { tasks } = await newer.addCollections({ tasks: { schema, migrationStrategies: strategies } });
    const task = local(taskDoc(repositoryDoc().uid, { title: 'written by the newer app' }));
    await tasks.insert(task);
    await newer.close();

    const opening = createReplica({ name, storage: freshTestStorage(indexedDB), multiInstance: false });
    await expect(opening).rejects.toBeInstanceOf(ReplicaNewerThanAppError);
    await expect(opening).rejects.toThrow(`tasks ${schema.version} > ${taskSchema.version}`);

    const again = await createRxDatabase({
      name,
      storage: freshTestStorage(indexedDB),
      multiInstance: false,
    });
    const reopened = await again.addCollections({ tasks: { schema, migrationStrategies: strategies } });
    expect((await reopened.tasks.findOne(task.uid).exec())?.get('title')).toBe('written by the newer app');
    await again.close();
  });

  it('stops a client of another protocol MAJOR before it pushes, keeping its edits', async () => {
    const client = await server.open({ protocolVersion: '1.0' });
    const repo = repositoryDoc({ name: 'from an outdated app' });
    await client.replica.collections.repositories.insert(local(repo));
    await waitUntil(
      async () => (await firstValueFrom(client.sync.updateRequired$)) === true,
      'update required',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await query('SELECT 1 FROM repositories WHERE uid = $1', [repo.uid])).toEqual([]);
    expect(await firstValueFrom(client.sync.pendingCount$)).toBe(1);
    expect(await client.replica.collections.repositories.findOne(repo.uid).exec()).not.toBeNull();
  });
});
