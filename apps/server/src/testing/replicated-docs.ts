// Replicated documents for tests: complete, valid rows (see @wikisync/shared/testing) with a
// fresh uid each and overridable fields.
import type { ReplicatedDocument, ReplicatedRepository, ReplicatedTask } from '@wikisync/shared';
import { replicatedDocument, replicatedRepository, replicatedTask } from '@wikisync/shared/testing';
import { randomUid } from '../db/uid.js';

export function repositoryDoc(overrides: Partial<ReplicatedRepository> = {}): ReplicatedRepository {
  return replicatedRepository({ uid: randomUid(), ...overrides });
}

export function taskDoc(repositoryUid: string, overrides: Partial<ReplicatedTask> = {}): ReplicatedTask {
  return replicatedTask({ uid: randomUid(), repository_uid: repositoryUid, ...overrides });
}

export function documentDoc(
  repositoryUid: string,
  taskUid: string | null,
  overrides: Partial<ReplicatedDocument> = {},
): ReplicatedDocument {
  return replicatedDocument({
    uid: randomUid(),
    repository_uid: repositoryUid,
    task_uid: taskUid,
    ...overrides,
  });
}
