// Following a session: through the status stream to its end, and by polling when a server
// has no stream or the stream ends before the session does.
import { describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import type { InstanceSyncStatus, SyncSessionDetail } from '@wikisync/shared';
import type { InstanceSyncClient } from '../api/instance-sync-client';
import { ApiError } from '../api/client';
import { useInstanceSyncProgress } from './use-instance-sync-progress';

const status = (
  completed: number,
  state: InstanceSyncStatus['status'] = 'in_progress',
): InstanceSyncStatus => ({
  sync_id: 's1',
  repository_id: 1,
  total_tasks: 3,
  completed_tasks: completed,
  failed_tasks: 0,
  status: state,
  current_task: `task ${completed}`,
  started_at: '2026-12-01T00:00:00.000Z',
  updated_at: `2026-12-01T00:00:0${completed}.000Z`,
  progress: Math.floor((completed / 3) * 100),
  error: null,
});

function fakeClient(overrides: Partial<InstanceSyncClient>) {
  const session = vi.fn(async () => ({ id: 's1', items: [] }) as unknown as SyncSessionDetail);
  const client = { session, ...overrides } as unknown as InstanceSyncClient;
  return { client, session };
}

function follow(client: InstanceSyncClient) {
  const scope = effectScope();
  const progress = scope.run(() => useInstanceSyncProgress(client))!;
  progress.follow('s1');
  return { progress, scope };
}

describe('useInstanceSyncProgress', () => {
  it('shows each streamed step and reads the items once the session ended', async () => {
    const seen: number[] = [];
    const pollStatus = vi.fn();
    const { client, session } = fakeClient({
      status: pollStatus,
      watchStatus: async (_id, onStatus) => {
        for (const step of [status(0), status(1), status(2), status(3, 'completed')]) {
          onStatus(step);
          seen.push(step.completed_tasks);
        }
        return status(3, 'completed');
      },
    });
    const { progress, scope } = follow(client);
    await vi.waitFor(() => expect(progress.detail.value).not.toBeNull());
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(progress.status.value).toMatchObject({ status: 'completed', completed_tasks: 3 });
    expect(session).toHaveBeenCalled();
    expect(pollStatus).not.toHaveBeenCalled();
    scope.stop();
  });

  it('polls when the server has no stream, and when the stream ends before the session', async () => {
    for (const watchStatus of [
      async () => {
        throw new ApiError(404, 'NOT_FOUND', 'Route not found');
      },
      async (_id: string, onStatus: (next: InstanceSyncStatus) => void) => {
        onStatus(status(1));
        return status(1);
      },
    ]) {
      const answers = [status(2), status(3, 'completed')];
      const pollStatus = vi.fn(async () => answers.shift()!);
      const { client } = fakeClient({ status: pollStatus, watchStatus });
      const { progress, scope } = follow(client);
      await vi.waitFor(() => expect(progress.status.value?.status).toBe('completed'), { timeout: 3000 });
      expect(pollStatus).toHaveBeenCalledTimes(2);
      expect(progress.error.value).toBeNull();
      await vi.waitFor(() => expect(progress.detail.value).not.toBeNull());
      scope.stop();
    }
  });
});
