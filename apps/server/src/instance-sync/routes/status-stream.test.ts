// The status stream of a session: every step of a real push as it is written, ending with the
// end state; a session run by another process (only in the database) followed by reading it;
// hidden and unknown sessions refused before a stream opens; nothing left subscribed after a
// watcher leaves.
import { describe, expect, it } from 'vitest';
import { INSTANCE_SYNC_STATUS_EVENT, type InstanceSyncStatus } from '@wikisync/shared';
import { jsonOf, TEST_ADMIN_TOKEN } from '../../testing/test-app.js';
import { readSseMessages } from '../../testing/sse-events.js';
import { testDatabaseKinds } from '../../testing/test-database.js';
import { createPeerTokenOn, linkPeers, usePeers, useSeededRepository } from '../../testing/peer-test-kit.js';
import { createSession, sessionWrites } from '../initiator/session-store.js';

interface Watched {
  events: InstanceSyncStatus[];
  /** Whether the server closed the stream (rather than the test giving up). */
  closed: boolean;
}

/** Reads the stream's `status` events until it closes, `until` says enough, or 30 s pass. */
async function watch(
  response: Response,
  until: (events: InstanceSyncStatus[]) => boolean = () => false,
): Promise<Watched> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  expect(response.headers.get('x-accel-buffering')).toBe('no');
  const events: InstanceSyncStatus[] = [];
  let closed = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => ((closed = false), resolve()), 30_000);
  });
  await Promise.race([
    readSseMessages(response, ({ event, data }) => {
      if (event !== INSTANCE_SYNC_STATUS_EVENT) return true;
      events.push(JSON.parse(data!) as InstanceSyncStatus);
      if (!until(events)) return true;
      closed = false;
      return false;
    }),
    timeout,
  ]);
  clearTimeout(timer);
  return { events, closed };
}

describe.each(testDatabaseKinds())('the status stream of an instance sync on %s', (kind) => {
  const [a, b] = usePeers(kind, {}, {});
  const repo = useSeededRepository(a, 'streamed', 300);
  const other = useSeededRepository(a, 'not-yours', 1);

  /** A running session of `repo` that only the database knows (as if another process ran it). */
  async function sessionElsewhere(host: string, totalTasks: number): Promise<string> {
    const [target] = await a.t.database.db.query<{ id: number }>(
      `INSERT INTO sync_targets (url) VALUES ($1) RETURNING id`,
      [`http://${host}/api/sync`],
    );
    return createSession(a.t.database.db, {
      kind: 'manual',
      direction: 'push',
      targetId: Number(target!.id),
      peer: `http://${host}/api/sync`,
      repositoryId: repo.id,
      remoteRepositoryId: null,
      repositoryName: 'streamed',
      documentIds: null,
      clear: false,
      startedBy: 'another process',
      totalTasks,
    });
  }

  it('sends each step of a push as it is written, then its end, then closes', async () => {
    await linkPeers(a, b);
    const started = await jsonOf(
      await a.t.request('POST', '/api/sync', { body: { target_server: b.base, repository_id: repo.id } }),
    );
    const syncId = started.data.sync_id as string;
    const { events, closed } = await watch(await a.t.request('GET', `/api/sync/status/${syncId}/stream`));
    await a.sync.initiator.waitFor(syncId);

    expect(closed).toBe(true);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ sync_id: syncId, status: 'completed', progress: 100 });
    expect(last).toMatchObject({ completed_tasks: 300, total_tasks: 300, error: null });
    // The last event is the status any reader gets now.
    expect(last).toEqual((await jsonOf(await a.t.request('GET', `/api/sync/status/${syncId}`))).data);
    for (const event of events.slice(0, -1)) expect(event.status).toBe('in_progress');
    // Each event is a step forward: never the same state twice, never a step back.
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.updated_at > events[i - 1]!.updated_at || events[i]!.status !== 'in_progress').toBe(
        true,
      );
      expect(events[i]!.completed_tasks).toBeGreaterThanOrEqual(events[i - 1]!.completed_tasks);
    }
    // A finished session's stream is its end state alone.
    const again = await watch(await a.t.request('GET', `/api/sync/status/${syncId}/stream`));
    expect(again).toEqual({ events: [last], closed: true });
    expect(sessionWrites.listenerCount(syncId)).toBe(0);
  });

  it('follows a session run by another process by reading the database', async () => {
    const syncId = await sessionElsewhere('elsewhere', 2);
    expect(a.sync.initiator.runs(syncId)).toBe(false);
    // The other process's writes, straight into the database (nothing announced here).
    const elsewhere = async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await a.t.database.db.query(
        `UPDATE sync_sessions SET completed_tasks = 1, updated_at = now() + interval '1 second' WHERE id = $1`,
        [syncId],
      );
      await new Promise((resolve) => setTimeout(resolve, 400));
      await a.t.database.db.query(
        `UPDATE sync_sessions SET completed_tasks = 2, status = 'completed', finished_at = now(),
                updated_at = now() + interval '2 seconds' WHERE id = $1`,
        [syncId],
      );
    };
    const [watched] = await Promise.all([
      watch(await a.t.request('GET', `/api/sync/status/${syncId}/stream`)),
      elsewhere(),
    ]);
    expect(watched.closed).toBe(true);
    expect(watched.events.map((event) => [event.status, event.completed_tasks])).toEqual([
      ['in_progress', 0],
      ['in_progress', 1],
      ['completed', 2],
    ]);
  });

  it('answers 404 before any stream for an unknown session or one of a repository the token may not see', async () => {
    const unknown = await a.t.request('GET', '/api/sync/status/no-such-session/stream');
    expect(unknown.status).toBe(404);
    expect((await jsonOf(unknown)).error).toMatch(/no-such-session/);

    const hidden = await sessionElsewhere('hidden', 1);
    const scoped = await createPeerTokenOn(a, ['initiate'], { repositoryIds: [other.id] });
    const refused = await a.t.request('GET', `/api/sync/status/${hidden}/stream`, { token: scoped });
    expect(refused.status).toBe(404);
    // Said as of an unknown session: the token learns nothing of other repositories.
    expect((await jsonOf(refused)).error).toMatch(new RegExp(`Sync session ${hidden}`));
  });

  it('lets go of the session when the watcher leaves', async () => {
    const syncId = await sessionElsewhere('left', 1);
    // Over a real socket, as a browser watches: leaving closes the connection.
    const response = await fetch(`${a.base}/status/${syncId}/stream`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    const watched = await watch(response, (events) => {
      expect(sessionWrites.listenerCount(syncId)).toBe(1);
      return events.length === 1;
    });
    expect(watched).toMatchObject({ closed: false, events: [{ sync_id: syncId, status: 'in_progress' }] });
    await expect.poll(() => sessionWrites.listenerCount(syncId), { timeout: 5000 }).toBe(0);
  });
});
