// Replicated documents for tests: complete, valid rows with overridable fields.
import type { ReplicatedDocument, ReplicatedRepository, ReplicatedTask } from '@wikisync/shared';
import { randomUid } from '../db/uid.js';

const EPOCH = '2024-01-01T00:00:00.000Z';

export function repositoryDoc(overrides: Partial<ReplicatedRepository> = {}): ReplicatedRepository {
  return {
    uid: randomUid(),
    id: null,
    name: 'repo',
    url: '',
    description: '',
    clone_branch: 'main',
    clone_commit_id: '',
    size_mb: 0,
    status: 'pending',
    error_msg: '',
    metadata: {},
    created_at: EPOCH,
    updated_at: EPOCH,
    _deleted: false,
    ...overrides,
  };
}

export function taskDoc(repositoryUid: string, overrides: Partial<ReplicatedTask> = {}): ReplicatedTask {
  return {
    uid: randomUid(),
    id: null,
    repository_uid: repositoryUid,
    doc_uid: null,
    writer_name: '',
    task_type: '',
    title: 'task',
    outline: '',
    status: 'pending',
    run_after_uid: null,
    error_msg: '',
    sort_order: 0,
    started_at: null,
    completed_at: null,
    metadata: {},
    created_at: EPOCH,
    updated_at: EPOCH,
    _deleted: false,
    ...overrides,
  };
}

export function documentDoc(
  repositoryUid: string,
  taskUid: string | null,
  overrides: Partial<ReplicatedDocument> = {},
): ReplicatedDocument {
  return {
    uid: randomUid(),
    id: null,
    repository_uid: repositoryUid,
    task_uid: taskUid,
    title: 'doc',
    filename: 'doc.md',
    content: '',
    language: 'en',
    sort_order: 0,
    version: 1,
    is_latest: true,
    replaced_by_uid: null,
    metadata: {},
    created_at: EPOCH,
    updated_at: EPOCH,
    _deleted: false,
    ...overrides,
  };
}
