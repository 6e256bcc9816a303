// Which schema version of each local collection this app writes, and what a replica on disk
// says about the app that wrote it. RxDB migrates a replica written by an OLDER app on open
// (the migration strategies in collection-schemas.ts and conflict-schema.ts). A replica
// written by a NEWER app (this tab is a stale copy of the app, or the app was rolled back) is
// another matter: RxDB does not refuse it, it opens an empty collection of the older version
// next to the newer data, so this tab would show nothing and push nothing it could explain.
// So the replica is checked before any collection is added, and the person is asked to reload.
import { getAllCollectionDocuments, type RxDatabase } from 'rxdb/plugins/core';
import { documentSchema, repositorySchema, taskSchema } from './collection-schemas';
import { syncConflictSchema } from './conflict-schema';
import { ReplicaNewerThanAppError } from './errors';

/** Every local collection's schema version, as this app writes it. */
export const REPLICA_COLLECTION_VERSIONS = {
  repositories: repositorySchema.version,
  tasks: taskSchema.version,
  documents: documentSchema.version,
  sync_conflicts: syncConflictSchema.version,
} as const;

/**
 * One number for the whole replica, sent to the server with every sync request
 * (`X-Wikisync-Client-Schema`) so its logs say which app wrote a row. Versions only ever go up,
 * so their sum goes up with every bump of any collection.
 */
export const REPLICA_SCHEMA_VERSION = Object.values(REPLICA_COLLECTION_VERSIONS).reduce(
  (sum, version) => sum + version,
  0,
);

/** Collections on disk written with a higher version than this app's, e.g. `tasks 2 > 1`. */
export async function collectionsNewerThanApp(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the check reads only the internal store, whatever the collections
  database: RxDatabase<any>,
  versions: Record<string, number> = REPLICA_COLLECTION_VERSIONS,
): Promise<string[]> {
  const stored = await getAllCollectionDocuments(database.internalStore);
  return stored.flatMap((doc) => {
    const { name, schema } = doc.data as { name: string; schema: { version: number } };
    const ours = versions[name];
    return ours !== undefined && schema.version > ours ? [`${name} ${schema.version} > ${ours}`] : [];
  });
}

/** Throws ReplicaNewerThanAppError when a newer app wrote this replica; leaves its data alone. */
export async function assertReplicaNotNewer(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  database: RxDatabase<any>,
  versions: Record<string, number> = REPLICA_COLLECTION_VERSIONS,
): Promise<void> {
  const newer = await collectionsNewerThanApp(database, versions);
  if (newer.length > 0) throw new ReplicaNewerThanAppError(newer);
}
