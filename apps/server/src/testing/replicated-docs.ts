// Replicated documents for tests: complete, valid rows with overridable fields, the field
// tables' defaults for the rest.
import {
  DOCUMENT_FIELDS,
  replicatedDefaults,
  REPOSITORY_FIELDS,
  TASK_FIELDS,
  type ReplicatedDocument,
  type ReplicatedRepository,
  type ReplicatedTask,
} from '@wikisync/shared';
import { randomUid } from '../db/uid.js';

const EPOCH = '2024-01-01T00:00:00.000Z';

/** What every new row has: a fresh uid, no server id yet, fixed times, live. */
const newRow = () => ({ uid: randomUid(), id: null, created_at: EPOCH, updated_at: EPOCH, _deleted: false });

export function repositoryDoc(overrides: Partial<ReplicatedRepository> = {}): ReplicatedRepository {
  return { ...replicatedDefaults(REPOSITORY_FIELDS), ...newRow(), name: 'repo', ...overrides };
}

export function taskDoc(repositoryUid: string, overrides: Partial<ReplicatedTask> = {}): ReplicatedTask {
  return {
    ...replicatedDefaults(TASK_FIELDS),
    ...newRow(),
    repository_uid: repositoryUid,
    title: 'task',
    ...overrides,
  };
}

export function documentDoc(
  repositoryUid: string,
  taskUid: string | null,
  overrides: Partial<ReplicatedDocument> = {},
): ReplicatedDocument {
  return {
    ...replicatedDefaults(DOCUMENT_FIELDS),
    ...newRow(),
    repository_uid: repositoryUid,
    task_uid: taskUid,
    title: 'doc',
    filename: 'doc.md',
    language: 'en',
    ...overrides,
  };
}
