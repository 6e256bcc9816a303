// Scheduled sync: cron checks, the API, runs the scheduler starts, and no overlapping runs.
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf } from '../../testing/test-app.js';
import { testDatabaseKinds } from '../../testing/test-database.js';
import { checkCron } from './schedule-store.js';
import { linkPeers, seedRepository, usePeers, useSeededRepository } from '../../testing/peer-test-kit.js';

describe('cron expressions', () => {
  it('accepts 5-field expressions and refuses bad ones and anything more often than a minute', () => {
    expect(() => checkCron('*/15 * * * *')).not.toThrow();
    expect(() => checkCron('0 3 * * 1-5')).not.toThrow();
    expect(() => checkCron('every day')).toThrow(/not a valid cron expression/);
    expect(() => checkCron('*/10 * * * * *')).toThrow(/more often than once a minute/);
    expect(() => checkCron('61 * * * *')).toThrow(/not a valid cron/);
  });
});

describe.each(testDatabaseKinds())('scheduled sync on %s', (kind) => {
  const [a, b] = usePeers(kind, { schedulerEnabled: true }, {});
  const repo = useSeededRepository(a, 'scheduled', 4);
  let targetId: number;

  beforeAll(async () => {
    targetId = await linkPeers(a, b);
  });

  it('creates, lists and removes schedules through the API, refusing bad cron with a message', async () => {
    const bad = await a.t.request('POST', '/api/sync/schedule-save', {
      body: { cron: '* * *', target_id: targetId, repository_id: repo.id, direction: 'push' },
    });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).error).toMatch(/cron/);
    const tooOften = await a.t.request('POST', '/api/sync/schedule-save', {
      body: { cron: '*/5 * * * * *', target_id: targetId, repository_id: repo.id, direction: 'push' },
    });
    expect((await jsonOf(tooOften)).error).toMatch(/1 minute/);
    const created = await jsonOf(
      await a.t.request('POST', '/api/sync/schedule-save', {
        body: { cron: '0 * * * *', target_id: targetId, repository_id: repo.id, direction: 'push' },
      }),
    );
    expect(created.data).toMatchObject({
      cron: '0 * * * *',
      direction: 'push',
      target_url: b.base,
      enabled: true,
      clear: false,
    });
    expect(Date.parse(created.data.next_run_at)).toBeGreaterThan(Date.now());
    const list = (await jsonOf(await a.t.request('GET', '/api/sync/schedule-list'))).data;
    expect(list.map((s: { id: number }) => s.id)).toContain(created.data.id);
    expect(
      (await a.t.request('POST', '/api/sync/schedule-delete', { body: { id: created.data.id } })).status,
    ).toBe(200);
    expect((await jsonOf(await a.t.request('GET', '/api/sync/schedule-list'))).data).toEqual([]);
  });

  it('runs a due schedule as a scheduled session, claiming each slot once', async () => {
    const created = (
      await jsonOf(
        await a.t.request('POST', '/api/sync/schedule-save', {
          body: { cron: '0 0 1 1 *', target_id: targetId, repository_id: repo.id, direction: 'push' },
        }),
      )
    ).data;
    const scheduler = a.sync.scheduler!;
    const fired = await scheduler.fire(created.id);
    expect(fired).not.toBeNull();
    expect(await scheduler.fire(created.id)).toBeNull(); // the same slot is not claimed twice
    await a.sync.initiator.waitFor(fired!);
    const session = (await jsonOf(await a.t.request('GET', `/api/sync/sessions/${fired}`))).data;
    expect(session).toMatchObject({
      type: 'scheduled',
      direction: 'push',
      status: 'completed',
      started_by: `schedule ${created.id}`,
      completed_tasks: 4,
    });
    const schedule = (await jsonOf(await a.t.request('GET', '/api/sync/schedule-list'))).data[0];
    expect(schedule.last_session_id).toBe(fired);
    await a.t.request('POST', '/api/sync/schedule-delete', { body: { id: created.id } });
  });

  it('never runs two syncs of one repository and peer at once, manual or scheduled', async () => {
    const big = await seedRepository(a.t.database.db, 'big-scheduled', 200, 2, 2000);
    const schedule = (
      await jsonOf(
        await a.t.request('POST', '/api/sync/schedule-save', {
          body: { cron: '0 0 1 1 *', target_id: targetId, repository_id: big.id, direction: 'push' },
        }),
      )
    ).data;
    const first = await a.t.request('POST', '/api/sync', {
      body: { target_server: b.base, repository_id: big.id },
    });
    const second = await a.t.request('POST', '/api/sync', {
      body: { target_server: b.base, repository_id: big.id },
    });
    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect((await jsonOf(second)).error).toMatch(/already running.*wait for it or cancel it/);
    expect(await a.sync.scheduler!.fire(schedule.id)).toBeNull();
    await a.sync.initiator.waitFor((await jsonOf(first)).data.sync_id);
    const sessions = (await jsonOf(await a.t.request('GET', `/api/sync/sessions?repository_id=${big.id}`)))
      .data;
    expect(sessions.total).toBe(1);
  });
});
