// The local database: the three replicated collections plus the local-only
// `sync_conflicts` (and local documents, see skipped-rows.ts and parked-pushes.ts). Storage
// is injected: IndexedDB (Dexie) in the browser, Dexie over fake-indexeddb in Node tests.
// Production code never loads RxDB's dev-mode.
import {
  addRxPlugin,
  createRxDatabase,
  type RxCollection,
  type RxDatabase,
  type RxStorage,
} from 'rxdb/plugins/core';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import type { CollectionName } from '@wikisync/shared';
import {
  documentMigrations,
  documentSchema,
  repositoryMigrations,
  repositorySchema,
  taskMigrations,
  taskSchema,
  type DocumentDoc,
  type RepositoryDoc,
  type TaskDoc,
} from './collection-schemas';
import {
  CONFLICT_STATUS,
  syncConflictMigrations,
  syncConflictSchema,
  type SyncConflictDoc,
} from './conflict-schema';
import { createConflictHandler, type ConflictReport } from './conflict-handler';
import { ParkedPushes } from './parked-pushes';
import { guardQuota, type QuotaGuard } from './storage-quota';
import { assertReplicaNotNewer } from './replica-versions';

// Local documents hold the replica's small local-only state (skipped-rows.ts) without
// spending one of the 13 collections the free RxDB allows.
addRxPlugin(RxDBLocalDocumentsPlugin);

export interface ReplicaCollections {
  repositories: RxCollection<RepositoryDoc>;
  tasks: RxCollection<TaskDoc>;
  documents: RxCollection<DocumentDoc>;
  sync_conflicts: RxCollection<SyncConflictDoc>;
}

export type ReplicaDatabase = RxDatabase<ReplicaCollections>;

export interface ReplicaOptions {
  /** IndexedDB database name; one per signed-in user keeps their data apart. */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxStorage's internals and instance creation options differ per storage
  storage: RxStorage<any, any>;
  /** Several tabs of one browser share the database (default true; false in Node tests). */
  multiInstance?: boolean;
}

export interface Replica {
  readonly database: ReplicaDatabase;
  readonly collections: ReplicaCollections;
  /** Local edits the server refused for good; the conflict handlers consult it. */
  readonly parkedPushes: ParkedPushes;
  /** Holds pulled rows back from a collection whose storage is full (storage-quota.ts). */
  readonly quota: QuotaGuard;
  collection(name: CollectionName): RxCollection<Record<string, unknown>>;
  close(): Promise<void>;
  /** Closes the replica and deletes all its data from this browser (sign-out). */
  remove(): Promise<void>;
}

// Replicas written by an older app are migrated on open (collection-schemas.ts).
addRxPlugin(RxDBMigrationSchemaPlugin);

let conflictSequence = 0;

/** Records a conflict for the dialog; the server's log gets it when the person resolves it. */
export async function recordConflict(
  conflicts: RxCollection<SyncConflictDoc>,
  report: ConflictReport,
): Promise<void> {
  const recordedAt = new Date().toISOString();
  await conflicts.insert({
    id: `${report.collection}:${report.local.uid}:${recordedAt}:${++conflictSequence}`,
    collection_name: report.collection,
    uid: report.local.uid,
    base: report.base,
    local: report.local,
    server: report.server,
    kept: report.kept,
    hunks: report.hunks,
    recorded_at: recordedAt,
    status: CONFLICT_STATUS.open,
    resolution: null,
    resolved_at: null,
  });
}

export async function createReplica({
  name,
  storage,
  multiInstance = true,
}: ReplicaOptions): Promise<Replica> {
  const quota = guardQuota(storage);
  const database = await createRxDatabase<ReplicaCollections>({
    name,
    storage: quota.storage,
    multiInstance,
    eventReduce: true,
    closeDuplicates: true,
    localDocuments: true,
  });
  let parkedPushes: ParkedPushes;
  try {
    // Before any collection is added: adding one of an older version would open it empty.
    await assertReplicaNotNewer(database);
    const { sync_conflicts: conflicts } = await database.addCollections({
      sync_conflicts: { schema: syncConflictSchema, migrationStrategies: syncConflictMigrations },
    });
    const report = (conflict: ConflictReport) => recordConflict(conflicts, conflict);
    parkedPushes = new ParkedPushes(database);
    const parked = parkedPushes;
    const handler = (collection: CollectionName) =>
      createConflictHandler(collection, report, (state) => parked.isParked(collection, state));
    await database.addCollections({
      repositories: {
        schema: repositorySchema,
        migrationStrategies: repositoryMigrations,
        conflictHandler: handler('repositories'),
      },
      tasks: {
        schema: taskSchema,
        migrationStrategies: taskMigrations,
        conflictHandler: handler('tasks'),
      },
      documents: {
        schema: documentSchema,
        migrationStrategies: documentMigrations,
        conflictHandler: handler('documents'),
      },
    });
  } catch (error) {
    await database.close();
    throw error;
  }
  const collections = database.collections;
  return {
    database,
    collections,
    parkedPushes,
    quota,
    collection: (collectionName) =>
      collections[collectionName] as unknown as RxCollection<Record<string, unknown>>,
    close: async () => {
      await database.close();
    },
    remove: async () => {
      await database.remove();
    },
  };
}
