// Replicated documents for tests in every package (`@wikisync/shared/testing`): complete,
// valid rows with a fresh uid and overridable fields. Every other field starts at the
// default the REST API gives a new row (the create schemas), so a field added to the
// contract reaches these rows without an edit here.
import { documentCreateSchema } from '../model/document.js';
import { repositoryCreateSchema } from '../model/repository.js';
import { taskCreateSchema } from '../model/task.js';
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

/** What replication adds to a row: a fresh uid, no server id yet, fixed times, alive. */
function replicated() {
  const epoch = '2024-01-01T00:00:00.000Z';
  return { uid: testUid(), id: null, created_at: epoch, updated_at: epoch, _deleted: false };
}

/**
 * A REST create's fields less `keys`: its optional uid, and the references by server id
 * that replication carries by uid instead.
 */
function without<Row extends object, Key extends keyof Row>(row: Row, keys: readonly Key[]): Omit<Row, Key> {
  const kept = Object.entries(row).filter(([key]) => !keys.some((dropped) => dropped === key));
  return Object.fromEntries(kept) as Omit<Row, Key>;
}

export function repositoryDoc(overrides: Partial<ReplicatedRepository> = {}): ReplicatedRepository {
  const defaults = without(repositoryCreateSchema.parse({ name: 'repo' }), ['uid']);
  return { ...replicated(), ...defaults, ...overrides };
}

export function taskDoc(repositoryUid: string, overrides: Partial<ReplicatedTask> = {}): ReplicatedTask {
  const created = taskCreateSchema.parse({ repository_id: 1, title: 'task' });
  const defaults = without(created, ['uid', 'repository_id', 'doc_id', 'run_after_id']);
  const references = { repository_uid: repositoryUid, doc_uid: null, run_after_uid: null };
  return { ...replicated(), ...references, ...defaults, ...overrides };
}

export function documentDoc(
  repositoryUid: string,
  taskUid: string | null,
  overrides: Partial<ReplicatedDocument> = {},
): ReplicatedDocument {
  const created = documentCreateSchema.parse({
    repository_id: 1,
    title: 'doc',
    filename: 'doc.md',
    language: 'en',
  });
  const defaults = without(created, ['uid', 'repository_id', 'task_id', 'replaced_by']);
  const references = { repository_uid: repositoryUid, task_uid: taskUid, replaced_by_uid: null };
  return { ...replicated(), ...references, ...defaults, ...overrides };
}
