// Replicated documents for tests in every package (`@wikisync/shared/testing`): complete,
// valid rows with a fresh uid and overridable fields. Every other field starts at its
// default in the field tables, so a field added to an entity reaches these rows without an
// edit here.
import { DOCUMENT_FIELDS } from '../model/fields/document-fields.js';
import { replicatedDefaults } from '../model/fields/field-table.js';
import { REPOSITORY_FIELDS } from '../model/fields/repository-fields.js';
import { TASK_FIELDS } from '../model/fields/task-fields.js';
import type { ReplicatedDocument } from '../replication/replicated-document.js';
import type { ReplicatedRepository } from '../replication/replicated-repository.js';
import type { ReplicatedTask } from '../replication/replicated-task.js';

// The package is built for the browser and Node alike; both have Web Crypto.
declare const crypto: { randomUUID(): string };

/** A fresh UUIDv7 (Unix milliseconds first), as the server and browsers make them. */
function testUid(): string {
  const time = Date.now().toString(16).padStart(12, '0');
  // A UUIDv4 already has the random bits and the variant; only time and version change.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${crypto.randomUUID().slice(15)}`;
}

const EPOCH = '2024-01-01T00:00:00.000Z';

/** What every new row has: a fresh uid, no server id yet, fixed times, alive. */
const newRow = () => ({ uid: testUid(), id: null, created_at: EPOCH, updated_at: EPOCH, _deleted: false });

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
