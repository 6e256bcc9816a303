// What the replication benchmark does inside a client, written once for both runtimes: Node
// (Dexie over fake-indexeddb) and headless Chromium (Dexie over real IndexedDB, bundled by
// browser-bundle.ts). It uses the web app's own sync core, as the app does.
import type { RxStorage } from 'rxdb/plugins/core';
import { createReplica, type Replica } from '../../apps/web/src/sync/replica';
import {
  DEFAULT_PULL_BATCH_SIZE,
  startReplication,
  type SyncController,
} from '../../apps/web/src/sync/replication';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxStorage's type parameters differ per storage
export type AnyStorage = RxStorage<any, any>;

const COLLECTIONS = ['repositories', 'tasks', 'documents'] as const;
type Docs = Record<(typeof COLLECTIONS)[number], Record<string, unknown>[]>;

export interface SyncedClient {
  replica: Replica;
  sync: SyncController;
  close(): Promise<void>;
}

export async function openSyncedClient(
  storage: AnyStorage,
  name: string,
  server: { url: string; token: string },
  multiInstance: boolean,
  pullBatchSize?: number,
  /** Ids of the repositories kept offline (default: every readable one). */
  offlineRepositories?: number[],
): Promise<{ client: SyncedClient; ms: number; counts: Record<string, number> }> {
  const start = performance.now();
  const replica = await createReplica({ name, storage, multiInstance });
  const sync = startReplication(replica, {
    baseUrl: server.url,
    getToken: () => server.token,
    waitForLeadership: false,
    retryTime: 500,
    ...(pullBatchSize ? { pullBatchSize } : {}),
    ...(offlineRepositories ? { offlineRepositories: () => offlineRepositories } : {}),
  });
  await sync.awaitInSync();
  const ms = performance.now() - start;
  const counts: Record<string, number> = {};
  for (const collection of COLLECTIONS)
    counts[collection] = await replica.collection(collection).count().exec();
  return {
    client: { replica, sync, close: async () => (await sync.stop(), await replica.close()) },
    ms,
    counts,
  };
}

/** Every replicated document, as plain data (what a bulk insert of "the same documents" takes). */
export async function readAll(replica: Replica): Promise<Docs> {
  const docs = {} as Docs;
  for (const collection of COLLECTIONS)
    docs[collection] = (await replica.collection(collection).find().exec()).map(
      (doc) => doc.toJSON() as Record<string, unknown>,
    );
  return docs;
}

/** Baseline: the same storage's own bulk insert of the same documents into a fresh replica. */
export async function bulkInsertBaseline(
  storage: AnyStorage,
  name: string,
  docs: Docs,
  multiInstance: boolean,
): Promise<{ ms: number; counts: Record<string, number> }> {
  const start = performance.now();
  const replica = await createReplica({ name, storage, multiInstance });
  // bulkInsert in the pull's page size: the same write shape the sync produces, without the
  // network and the replication bookkeeping.
  for (const collection of COLLECTIONS) {
    const rows = docs[collection];
    for (let offset = 0; offset < rows.length; offset += DEFAULT_PULL_BATCH_SIZE)
      await replica.collection(collection).bulkInsert(rows.slice(offset, offset + DEFAULT_PULL_BATCH_SIZE));
  }
  const ms = performance.now() - start;
  const counts: Record<string, number> = {};
  for (const collection of COLLECTIONS)
    counts[collection] = await replica.collection(collection).count().exec();
  await replica.close();
  return { ms, counts };
}

/** Offline edits of `count` documents, then reconnect: time until the server confirmed all. */
export async function offlineEditsThenReconnect(
  client: SyncedClient,
  count: number,
): Promise<{ ms: number; pendingMs: number; pushed: number }> {
  await client.sync.pause();
  const documents = await client.replica.collection('documents').find({ limit: count }).exec();
  for (const doc of documents)
    await doc.incrementalPatch({
      content: `${String(doc.get('content'))}\n\nEdited offline.`,
      updated_at: new Date().toISOString(),
    });
  const start = performance.now();
  await client.sync.resume();
  await new Promise<void>((resolve) => {
    const subscription = client.sync.pendingCount$.subscribe((pending) => {
      if (pending === 0) {
        queueMicrotask(() => subscription.unsubscribe());
        resolve();
      }
    });
  });
  const pendingMs = performance.now() - start;
  await client.sync.awaitInSync();
  return { ms: performance.now() - start, pendingMs, pushed: documents.length };
}
