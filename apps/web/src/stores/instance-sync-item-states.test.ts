import { describe, expect, it } from 'vitest';
import type { InstanceSyncStatus, SyncItem, SyncSessionDetail } from '@wikisync/shared';
import { documentItemStates } from './instance-sync-item-states';

const status = (value: InstanceSyncStatus['status']) => ({ status: value }) as InstanceSyncStatus;
const item = (fields: Partial<SyncItem>) =>
  ({ entity: 'document', source_id: 1, status: 'created', error: null, ...fields }) as SyncItem;
const detail = (...items: SyncItem[]) => ({ items }) as SyncSessionDetail;

describe('documentItemStates', () => {
  it('shows nothing before a session started', () => {
    expect(documentItemStates(null, null, [1, 2])).toBeUndefined();
  });

  it.each<[string, InstanceSyncStatus, SyncSessionDetail | null, Record<number, string>]>([
    [
      'a running session without items yet',
      status('in_progress'),
      null,
      { 1: 'running', 2: 'waiting', 3: 'waiting' },
    ],
    [
      'reported items, then the first open one running',
      status('in_progress'),
      detail(item({ source_id: 1 }), item({ source_id: 2, status: 'unchanged' })),
      { 1: 'done', 2: 'unchanged', 3: 'running' },
    ],
    [
      'a failure, and nothing running once the session ended',
      status('failed'),
      detail(item({ source_id: 2, status: 'failed', error: 'boom' })),
      { 1: 'waiting', 2: 'failed', 3: 'waiting' },
    ],
    [
      'tasks and rows without a sender id are not documents of the table',
      status('completed'),
      detail(item({ entity: 'task', source_id: 1 }), item({ source_id: null })),
      { 1: 'waiting', 2: 'waiting', 3: 'waiting' },
    ],
  ])('%s', (_name, sessionStatus, sessionDetail, expected) => {
    const states = documentItemStates(sessionStatus, sessionDetail, [1, 2, 3])!;
    expect(Object.fromEntries([...states].map(([id, each]) => [id, each.state]))).toEqual(expected);
  });

  it('keeps the error of a failed document', () => {
    const states = documentItemStates(
      status('failed'),
      detail(item({ status: 'failed', error: 'boom' })),
      [1],
    );
    expect(states?.get(1)).toEqual({ state: 'failed', error: 'boom' });
  });
});
