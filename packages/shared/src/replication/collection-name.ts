// The three replicated collections. Their names are the wire names of PROTOCOL.md §1 and,
// on the server, the names of the tables that hold them.
import { z } from 'zod';

export const REPLICATION_COLLECTIONS = ['repositories', 'tasks', 'documents'] as const;
export const collectionNameSchema = z.enum(REPLICATION_COLLECTIONS, {
  message: 'must be one of "repositories", "tasks" or "documents"',
});
export type CollectionName = z.infer<typeof collectionNameSchema>;

/** Most rows a changes request returns and a push request may carry. */
export const REPLICATION_MAX_BATCH = 1000;
export const REPLICATION_DEFAULT_LIMIT = 100;
