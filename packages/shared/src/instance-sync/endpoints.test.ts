// The response schemas of SYNC_ENDPOINTS must take what a real openDeepWiki answers, or every
// sync with one would fail on its first call. These are the answers of its own sync code
// (bf64e72) to the calls our sender makes, as its `data` (or its whole body where it sends none).
import { describe, expect, it } from 'vitest';
import { SYNC_ENDPOINTS, type SyncEndpointName } from './endpoints.js';

const TIME = '2026-02-10T12:00:00.123456789+08:00';

const OPEN_DEEPWIKI_ANSWERS: Record<SyncEndpointName, unknown[]> = {
  // `{"code":"OK"}` with no data: the client takes the bare body as the data.
  ping: [{ code: 'OK' }, null],
  'repository-upsert': [{ repository_id: 5, name: 'r' }],
  'repository-clear': [{ repository_id: 5 }],
  'task-create': [{ task_id: 1, repository_id: 5, title: 't' }],
  'document-create': [{ document_id: 1, repository_id: 5, task_id: 1 }],
  'task-update-docid': [{ task_id: 1, document_id: 1 }],
  'task-usage-create': [{ task_id: 1 }],
  'repository-list': [
    [],
    [{ repository_id: 5, name: 'r', url: 'u', clone_branch: '', status: 'pending', updated_at: TIME }],
  ],
  'document-list': [
    [],
    [{ document_id: 1, repository_id: 5, task_id: 1, title: 'd', status: 'succeeded', created_at: TIME }],
  ],
  'pull-export': [
    {
      repository: { repository_id: 5, name: 'r', url: 'u', status: 'pending', created_at: TIME },
      tasks: [{ task_id: 1, repository_id: 5, doc_id: 1, title: 't', status: 'succeeded', run_after: 0 }],
      documents: [{ document_id: 1, repository_id: 5, task_id: 1, title: 'd', replaced_by: 0 }],
      task_usages: [{ id: 1, task_id: 1, api_key_name: 'k', prompt_tokens: 1, created_at: TIME }],
    },
  ],
  // Ours only: openDeepWiki has no such endpoint (its 404 is a failure before any schema).
  'batch-upsert': [],
  'copy-upsert': [],
};

describe('SYNC_ENDPOINTS', () => {
  it("accepts openDeepWiki's real answers to every call our sender makes", () => {
    for (const [name, answers] of Object.entries(OPEN_DEEPWIKI_ANSWERS)) {
      for (const answer of answers) {
        const checked = SYNC_ENDPOINTS[name as SyncEndpointName].response.safeParse(answer);
        expect(checked.success, `${name}: ${JSON.stringify(answer)}`).toBe(true);
      }
    }
  });

  it('refuses answers a sender could not use', () => {
    expect(SYNC_ENDPOINTS['task-create'].response.safeParse({ repository_id: 5 }).success).toBe(false);
    expect(SYNC_ENDPOINTS['document-create'].response.safeParse({ document_id: 'x' }).success).toBe(false);
    expect(SYNC_ENDPOINTS['repository-list'].response.safeParse({ repositories: [] }).success).toBe(false);
    expect(SYNC_ENDPOINTS['pull-export'].response.safeParse({ repository: {} }).success).toBe(false);
  });
});
