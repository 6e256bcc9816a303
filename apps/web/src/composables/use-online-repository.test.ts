// A repository read online shows its REST rows in the replica's shapes: every replicated
// field under its replicated name, owners named by uid.
import { describe, expect, it } from 'vitest';
import { COMPARED_FIELDS, DOCUMENT_FIELDS, TASK_FIELDS } from '@wikisync/shared';
import { asReplicaRow } from './use-online-repository';

const uidOf = {
  repositories: new Map([[7, 'repo-uid']]),
  tasks: new Map([
    [11, 'task-a'],
    [12, 'task-b'],
  ]),
  documents: new Map([[21, 'doc-a']]),
};
const stamps = { created_at: '2026-12-01T00:00:00.000Z', updated_at: '2026-12-01T00:00:00.000Z' };

describe('asReplicaRow', () => {
  it('turns a REST task into the replica row, with its owners by uid', () => {
    const task = {
      id: 12,
      uid: 'task-b',
      repository_id: 7,
      doc_id: 21,
      writer_name: '',
      task_type: 'overview',
      title: '概览',
      outline: '',
      status: 'pending',
      run_after_id: 11,
      error_msg: '',
      sort_order: 2,
      started_at: null,
      completed_at: null,
      metadata: {},
      ...stamps,
    };
    const row = asReplicaRow(TASK_FIELDS, task, uidOf);
    expect(Object.keys(row).sort()).toEqual(
      ['id', ...COMPARED_FIELDS.tasks.filter((field) => field !== '_deleted')].sort(),
    );
    expect(row).toMatchObject({
      id: 12,
      repository_uid: 'repo-uid',
      doc_uid: 'doc-a',
      run_after_uid: 'task-a',
      title: '概览',
    });
  });

  it('turns a REST document into the replica row; an owner it cannot name is null', () => {
    const document = {
      id: 21,
      uid: 'doc-a',
      repository_id: 7,
      task_id: 99,
      title: 'Guide',
      filename: 'guide.md',
      content: '# Guide',
      language: 'zh',
      sort_order: 0,
      version: 1,
      is_latest: true,
      replaced_by: null,
      metadata: {},
      ...stamps,
    };
    const row = asReplicaRow(DOCUMENT_FIELDS, document, uidOf);
    expect(Object.keys(row).sort()).toEqual(
      ['id', ...COMPARED_FIELDS.documents.filter((field) => field !== '_deleted')].sort(),
    );
    expect(row).toMatchObject({ repository_uid: 'repo-uid', task_uid: null, content: '# Guide' });
  });
});
