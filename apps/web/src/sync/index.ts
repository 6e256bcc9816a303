// The browser client's sync core (no Vue in here): a local RxDB replica of repositories,
// tasks and documents, kept in sync with the server over `/api/v1/sync`. A Pinia store
// creates the replica once per user, starts replication, and exposes the observables.
export {
  createReplica,
  type Replica,
  type ReplicaCollections,
  type ReplicaDatabase,
  type ReplicaOptions,
} from './replica';
export {
  startReplication,
  type CollectionSyncStatus,
  type SyncController,
  type SyncOptions,
} from './replication';
export { createSyncTransport, type FetchLike, type SyncTransport } from './sync-transport';
export { createChangeStream, type ChangeStream } from './change-stream';
export { createSseParser, type SseMessage } from './sse-parser';
export type { PendingStore } from './pending-tracker';
export { threeWayMerge, type MergeResult } from './three-way-merge';
export { createConflictHandler, docsEqual } from './conflict-handler';
export { CONFLICT_STATUS, type DocState, type SyncConflictDoc } from './conflict-schema';
export type { DocumentDoc, RepositoryDoc, TaskDoc } from './collection-schemas';
export { ConflictMovedError, ConflictNotFoundError, SyncHttpError } from './errors';
export {
  createDocument,
  createTask,
  deleteDocument,
  deleteTask,
  newUid,
  updateDocument,
  updateTask,
} from './local-writes';
