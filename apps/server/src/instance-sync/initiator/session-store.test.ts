// Session bookkeeping: retention, and telling a dead server's sessions from live ones.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase, testDatabaseKinds } from '../../testing/test-database.js';
import {
  createSession,
  failOrphanedSessions,
  finishSession,
  getSession,
  purgeOldSessions,
  RELAXED_COMMIT,
  sessionWrites,
  writeProgress,
} from './session-store.js';
import type { SyncSession } from '@wikisync/shared';
import { addItems, getSessionDetail } from './session-items.js';

describe.each(testDatabaseKinds())('sync sessions on %s', (kind) => {
  const database = useTestDatabase(kind);
  let targetId: number;
  beforeAll(async () => {
    const [target] = await database.db.query<{ id: number }>(
      `INSERT INTO sync_targets (url) VALUES ('http://peer/api/sync') RETURNING id`,
    );
    targetId = Number(target!.id);
  });

  const newSession = (repositoryId: number) =>
    createSession(database.db, {
      kind: 'manual',
      direction: 'push',
      targetId,
      peer: 'http://peer/api/sync',
      repositoryId,
      remoteRepositoryId: null,
      repositoryName: 'r',
      documentIds: null,
      clear: false,
      startedBy: 'test',
      totalTasks: 1,
    });

  it('deletes sessions older than the retention, with their items, and keeps newer ones', async () => {
    const old = await newSession(1);
    const recent = await newSession(2);
    await addItems(database.db, old, [
      {
        entity: 'task',
        title: 't',
        status: 'created',
        sourceId: 1,
        targetId: 2,
        error: null,
        startedAt: new Date().toISOString(),
      },
    ]);
    await database.db.query(
      `UPDATE sync_sessions SET status = 'completed', finished_at = now() - interval '31 days' WHERE id = $1`,
      [old],
    );
    await database.db.query(
      `UPDATE sync_sessions SET status = 'completed', finished_at = now() - interval '29 days' WHERE id = $1`,
      [recent],
    );
    expect(await purgeOldSessions(database.db, 30)).toBe(1);
    await expect(getSession(database.db, old)).rejects.toThrow(/not found/);
    expect((await getSession(database.db, recent)).id).toBe(recent);
    expect(await database.db.query(`SELECT 1 FROM sync_items WHERE session_id = $1`, [old])).toEqual([]);
  });

  const item = (title: string) => ({
    entity: 'task' as const,
    title,
    status: 'created' as const,
    sourceId: 1,
    targetId: 2,
    error: null,
    startedAt: new Date().toISOString(),
  });

  it('refuses items of a session that does not exist, and keeps no item of the statement', async () => {
    const session = await newSession(40);
    const error = await addItems(database.db, 'no-such-session', [item('a')]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '23503' });
    // One statement naming a real session and a missing one writes neither.
    await expect(
      database.db.query(
        `INSERT INTO sync_items (session_id, entity, status, started_at)
         VALUES ($1, 'task', 'created', now()), ('missing', 'task', 'created', now())`,
        [session],
      ),
    ).rejects.toMatchObject({ code: '23503' });
    await expect(
      database.db.query(`UPDATE sync_items SET session_id = 'missing' WHERE session_id = $1`, [session]),
    ).resolves.toEqual([]);
    await addItems(database.db, session, [item('kept')]);
    await expect(
      database.db.query(`UPDATE sync_items SET session_id = 'missing' WHERE session_id = $1`, [session]),
    ).rejects.toMatchObject({ code: '23503' });
    await expect(
      database.db.query(`UPDATE sync_sessions SET id = 'renamed' WHERE id = $1`, [session]),
    ).rejects.toMatchObject({ code: '23503' });
    const rows = await database.db.query<{ title: string }>(
      `SELECT title FROM sync_items WHERE session_id = $1`,
      [session],
    );
    expect(rows.map((row) => row.title)).toEqual(['kept']);
  });

  it.runIf(kind === 'postgres')(
    'deletes the items a writer added while the session was being deleted, or refuses them',
    async () => {
      const other = database.connect();
      try {
        // A writer holds its items uncommitted; the session's deletion waits for it, then takes
        // the items with the session.
        const first = await newSession(41);
        let deleted = false;
        let deleting: Promise<unknown> = Promise.resolve();
        await database.db.transaction(async (tx) => {
          await addItems(tx, first, [item('written while deleting')]);
          deleting = other
            .query(`DELETE FROM sync_sessions WHERE id = $1`, [first])
            .then(() => (deleted = true));
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(deleted).toBe(false);
        });
        await deleting;
        expect(await database.db.query(`SELECT 1 FROM sync_items WHERE session_id = $1`, [first])).toEqual(
          [],
        );

        // A deletion not yet committed: a writer waits for it and is then refused.
        const second = await newSession(42);
        let refused: Promise<unknown> = Promise.resolve();
        await database.db.transaction(async (tx) => {
          await tx.query(`DELETE FROM sync_sessions WHERE id = $1`, [second]);
          refused = addItems(other, second, [item('too late')]).catch((e: unknown) => e);
          await new Promise((resolve) => setTimeout(resolve, 300));
        });
        expect(await refused).toMatchObject({ code: '23503' });
        expect(await database.db.query(`SELECT 1 FROM sync_items WHERE session_id = $1`, [second])).toEqual(
          [],
        );
      } finally {
        await other.close();
      }
    },
  );

  it("keeps each item's text as it was written, characters COPY escapes and Chinese included, in order", async () => {
    const session = await newSession(60);
    const startedAt = '2026-12-01T08:00:00.000Z';
    const awkward = ['制\t表\n换行 \\N 反斜杠\\', '\\N', '', '😀 \r\n end', 'x'.repeat(600)];
    await addItems(
      database.db,
      session,
      awkward.map((title, index) => ({
        entity: index % 2 === 0 ? 'document' : 'task',
        title,
        status: index === 1 ? 'failed' : 'created',
        sourceId: index === 2 ? null : 100 + index,
        targetId: index === 1 ? null : 200 + index,
        error: index === 1 ? `第 ${index} 行失败:\t"quoted"\n\\` : null,
        startedAt,
      })),
    );
    const detail = await getSessionDetail(database.db, session, { item_limit: 10, item_offset: 0 });
    expect(detail.items.map(({ id: _id, finished_at: _finished, ...item }) => item)).toEqual(
      awkward.map((title, index) => ({
        entity: index % 2 === 0 ? 'document' : 'task',
        title: title.slice(0, 500),
        status: index === 1 ? 'failed' : 'created',
        source_id: index === 2 ? null : 100 + index,
        target_id: index === 1 ? null : 200 + index,
        error: index === 1 ? `第 ${index} 行失败:\t"quoted"\n\\` : null,
        started_at: startedAt,
      })),
    );
  });

  it('fails only silent sessions that no runner here owns', async () => {
    const silent = await newSession(3);
    const owned = await newSession(4);
    const fresh = await newSession(5);
    await database.db.query(
      `UPDATE sync_sessions SET updated_at = now() - interval '1 minute' WHERE id IN ($1, $2)`,
      [silent, owned],
    );
    expect(await failOrphanedSessions(database.db, new Set([owned]), 15_000)).toBe(1);
    expect(await getSession(database.db, silent)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/server stopped/),
    });
    expect((await getSession(database.db, owned)).status).toBe('in_progress');
    expect((await getSession(database.db, fresh)).status).toBe('in_progress');
  });

  it('announces the end it writes, as the row now stands; progress writes and late writes announce nothing', async () => {
    const id = await newSession(6);
    const heard: SyncSession[] = [];
    const listener = (session: SyncSession) => heard.push(session);
    sessionWrites.on(id, listener);
    try {
      const counts = { total: 3, created: 3, updated: 0, unchanged: 0, deleted: 0, failed: 0 };
      expect(
        await writeProgress(database.db, id, {
          completed_tasks: 1,
          failed_tasks: 0,
          current_task: 'one',
          counts,
        }),
      ).toBe(true);
      // Progress is announced by the runner's ticks (progress-tracker.ts), not by its writes.
      expect(heard).toEqual([]);
      await finishSession(database.db, id, 'completed', null);
      // Ended: a late progress write changes nothing and announces nothing.
      expect(
        await writeProgress(database.db, id, {
          completed_tasks: 9,
          failed_tasks: 0,
          current_task: 'late',
          counts,
        }),
      ).toBe(false);
      expect(heard.map((session) => [session.status, session.completed_tasks, session.current_task])).toEqual(
        [['completed', 1, 'Done']],
      );
      expect(heard[0]).toEqual(await getSession(database.db, id));
    } finally {
      sessionWrites.off(id, listener);
    }
  });

  it('relaxes the commit of a progress write only, not of the connection after it', async () => {
    // On the pool's connections, as the progress writes run: the setting is the statement's own.
    const [inside] = await database.db.query<{ setting: string }>(
      `WITH ${RELAXED_COMMIT} SELECT current_setting('synchronous_commit') AS setting FROM relaxed_commit`,
    );
    expect(inside!.setting).toBe('off');
    const [after] = await database.db.query<{ setting: string }>(
      `SELECT current_setting('synchronous_commit') AS setting`,
    );
    expect(after!.setting).toBe('on');
  });

  it('refuses a second running session for the same repository and target', async () => {
    await expect(newSession(5)).rejects.toThrow(/already running/);
  });
});
