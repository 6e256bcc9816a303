// Complete, valid replicated rows for tests in every package (`@wikisync/shared/testing`):
// each field at a plain default, the row's identity given by the caller, any field
// overridable. One list per collection, so a new field is added here once.
import type { ReplicatedDocument } from '../replication/replicated-document.js';
import type { ReplicatedRepository } from '../replication/replicated-repository.js';
import type { ReplicatedTask } from '../replication/replicated-task.js';

/** The creation and update time of every row made here, unless overridden. */
export const TEST_EPOCH = '2024-01-01T00:00:00.000Z';

export function replicatedRepository(
  fields: Pick<ReplicatedRepository, 'uid'> & Partial<ReplicatedRepository>,
): ReplicatedRepository {
  return {
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
    created_at: TEST_EPOCH,
    updated_at: TEST_EPOCH,
    _deleted: false,
    ...fields,
  };
}

export function replicatedTask(
  fields: Pick<ReplicatedTask, 'uid' | 'repository_uid'> & Partial<ReplicatedTask>,
): ReplicatedTask {
  return {
    id: null,
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
    created_at: TEST_EPOCH,
    updated_at: TEST_EPOCH,
    _deleted: false,
    ...fields,
  };
}

export function replicatedDocument(
  fields: Pick<ReplicatedDocument, 'uid' | 'repository_uid' | 'task_uid'> & Partial<ReplicatedDocument>,
): ReplicatedDocument {
  return {
    id: null,
    title: 'doc',
    filename: 'doc.md',
    content: '',
    language: 'en',
    sort_order: 0,
    version: 1,
    is_latest: true,
    replaced_by_uid: null,
    metadata: {},
    created_at: TEST_EPOCH,
    updated_at: TEST_EPOCH,
    _deleted: false,
    ...fields,
  };
}
