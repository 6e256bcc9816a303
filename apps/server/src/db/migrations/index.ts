import { initialSchema } from './001-initial-schema.js';
import { replicationSchema } from './002-replication.js';
import { instanceSyncSchema } from './003-instance-sync.js';
import { conflictLogRetentionSchema } from './004-conflict-log-retention.js';
import { taskReferencesAndUsagesSchema } from './005-task-references-and-usages.js';
import { conflictLogHunksSchema } from './006-conflict-log-hunks.js';
import { concurrentWritersSchema } from './007-concurrent-writers.js';
import { passwordsAndSessionsSchema } from './008-passwords-and-sessions.js';
import { repositoryFeedIndexSchema } from './009-repository-feed-index.js';
import { idMapLocalIndexSchema } from './010-id-map-local-index.js';
import { syncItemsSessionCheckSchema } from './011-sync-items-session-check.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Ordered, append-only: never edit a migration that has shipped, add the next one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial-schema', sql: initialSchema },
  { version: 2, name: 'replication', sql: replicationSchema },
  { version: 3, name: 'instance-sync', sql: instanceSyncSchema },
  { version: 4, name: 'conflict-log-retention', sql: conflictLogRetentionSchema },
  { version: 5, name: 'task-references-and-usages', sql: taskReferencesAndUsagesSchema },
  { version: 6, name: 'conflict-log-hunks', sql: conflictLogHunksSchema },
  { version: 7, name: 'concurrent-writers', sql: concurrentWritersSchema },
  { version: 8, name: 'passwords-and-sessions', sql: passwordsAndSessionsSchema },
  { version: 9, name: 'repository-feed-index', sql: repositoryFeedIndexSchema },
  { version: 10, name: 'id-map-local-index', sql: idMapLocalIndexSchema },
  { version: 11, name: 'sync-items-session-check', sql: syncItemsSessionCheckSchema },
];
