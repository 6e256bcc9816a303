// The acceptance path of instance sync with two real server processes, two ports and two
// databases, driven only through the HTTP API as an operator (or the /sync page) would:
// save the other server as a target, push and watch progress reach 100%, push again after an
// edit and see only that change travel, pull a different repository back, read the history.
import { describe, expect, it } from 'vitest';
import { adminApi, seedPages } from '../support/api.js';
import { useServerProcesses } from '../support/server-process.js';

interface Status {
  status: string;
  total_tasks: number;
  completed_tasks: number;
  progress: number;
  current_task: string;
}

describe('instance sync between two server processes', () => {
  const env = { SYNC_SECRET_KEY: 'flow-test-secret-key-0123456789', SYNC_RETRY_BASE_MS: '10' };
  const [a, b] = useServerProcesses({ env }, { env });
  const onA = adminApi(a);
  const onB = adminApi(b);
  const seed = (server: typeof a, name: string, tasks: number) =>
    seedPages(server, name, tasks, { url: `https://example.com/${name}` });

  async function watch(syncId: string): Promise<Status[]> {
    const seen: Status[] = [];
    for (;;) {
      const status = await onA<Status>('GET', `/api/sync/status/${syncId}`);
      seen.push(status);
      if (status.status !== 'in_progress') return seen;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('pushes, pushes only a change, pulls another repository back, and lists all three sessions', async () => {
    const alpha = await seed(a, 'alpha', 12);
    const beta = await seed(b, 'beta', 3);
    const target = `${b.url}/api/sync`;
    await onA('POST', '/api/sync/target-save', { url: target, token: b.adminToken });

    const push = await onA<{ sync_id: string; total_tasks: number }>('POST', '/api/sync', {
      target_server: target,
      repository_id: alpha.id,
    });
    expect(push.total_tasks).toBe(12);
    const statuses = await watch(push.sync_id);
    const last = statuses.at(-1)!;
    expect(last).toMatchObject({ status: 'completed', progress: 100, completed_tasks: 12, total_tasks: 12 });
    const progress = statuses.map((status) => status.progress);
    expect([...progress].sort((x, y) => x - y)).toEqual(progress);
    const bRepositories = await onB<{ items: { id: number; name: string }[] }>('GET', '/api/repositories');
    const copied = bRepositories.items.find((repository) => repository.name === 'alpha')!;
    const copiedDocuments = await onB<{ total: number }>('GET', `/api/documents?repository_id=${copied.id}`);
    expect(copiedDocuments.total).toBe(12);

    await onA('PATCH', `/api/documents/${alpha.documents[4]}`, { content: '# edited on A\n' });
    const again = await onA<{ sync_id: string }>('POST', '/api/sync', {
      target_server: target,
      repository_id: alpha.id,
    });
    await watch(again.sync_id);
    const second = await onA<{
      incremental: boolean;
      counts: Record<string, number>;
      items: { entity: string; title: string; status: string }[];
    }>('GET', `/api/sync/sessions/${again.sync_id}`);
    expect(second.incremental).toBe(true);
    expect(second.counts).toMatchObject({ total: 1, updated: 1, created: 0 });
    expect(second.items.filter((item) => item.entity !== 'repository')).toEqual([
      expect.objectContaining({ entity: 'document', title: 'alpha page 5', status: 'updated' }),
    ]);
    const edited = await onB<{ items: { title: string; content: string }[] }>(
      'GET',
      `/api/documents?repository_id=${copied.id}&limit=50`,
    );
    expect(edited.items.find((document) => document.title === 'alpha page 5')!.content).toBe(
      '# edited on A\n',
    );

    const remote = await onA<{ repository_id: number; name: string }[]>(
      'GET',
      '/api/sync/remote/repository-list?target_id=1',
    );
    expect(remote.map((repository) => repository.name).sort()).toEqual(['alpha', 'beta']);
    const pull = await onA<{ sync_id: string }>('POST', '/api/sync/pull', {
      target_server: target,
      repository_id: beta.id,
    });
    expect((await watch(pull.sync_id)).at(-1)).toMatchObject({ status: 'completed', progress: 100 });
    const aRepositories = await onA<{ items: { id: number; name: string }[] }>('GET', '/api/repositories');
    const pulled = aRepositories.items.find((repository) => repository.name === 'beta')!;
    expect((await onA<{ total: number }>('GET', `/api/tasks?repository_id=${pulled.id}`)).total).toBe(3);

    const history = await onA<{ total: number; items: { id: string; direction: string; status: string }[] }>(
      'GET',
      '/api/sync/sessions',
    );
    expect(history.total).toBe(3);
    expect(history.items.map((session) => [session.id, session.direction, session.status])).toEqual([
      [pull.sync_id, 'pull', 'completed'],
      [again.sync_id, 'push', 'completed'],
      [push.sync_id, 'push', 'completed'],
    ]);
  });
});
