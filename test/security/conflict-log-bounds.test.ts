// A read-only user once stored 4.9 MB conflict-log entries for made-up uids. The log now
// takes entries only for rows the caller can read (404 otherwise), bounds the one state
// nobody checks (`local`) to the row's own size plus 256 KiB, and deletes entries older
// than CONFLICT_LOG_RETENTION_DAYS (hidden from lists until then).
import { beforeAll, describe, expect, it } from 'vitest';
import { grantAccess } from '../../apps/server/src/auth/user-store.js';
import { jsonOf, useTestApp } from '../../apps/server/src/testing/test-app.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { documentDoc, repositoryDoc } from '@wikisync/shared/testing';

describe.each(testDatabaseKinds())('conflict-log bounds on %s', (kind) => {
  const t = useTestApp(kind, { conflictLogRetentionDays: 90 });
  let reader: { userId: number; token: string };
  const repository = repositoryDoc({ name: 'logged' });
  const row = documentDoc(repository.uid, null, { title: 'small' });
  const big = documentDoc(repository.uid, null, { content: 'b'.repeat(600 * 1024) });
  let stored: typeof row;
  // More than a small row plus the 256 KiB a local state may add.
  const huge = 'x'.repeat(320 * 1024);

  const resolve = (body: object, token?: string) =>
    t.request('POST', '/api/v1/sync/resolve-conflict', { body: { collection: 'documents', ...body }, token });
  const logCount = async () =>
    Number((await t.database.db.query<{ n: number }>('SELECT count(*) AS n FROM sync_conflict_log'))[0]!.n);
  const push = (docs: object[]) =>
    t.request('POST', '/api/v1/sync/push', {
      body: {
        collection: 'documents',
        rows: docs.map((doc) => ({ assumed_master_state: null, new_document_state: doc })),
      },
    });

  beforeAll(async () => {
    await t.request('POST', '/api/v1/sync/push', {
      body: {
        collection: 'repositories',
        rows: [{ assumed_master_state: null, new_document_state: repository }],
      },
    });
    expect((await push([row, big])).status).toBe(200);
    const changes = await jsonOf(await t.request('GET', '/api/v1/sync/changes?collection=documents'));
    stored = changes.data.documents.find((doc: { uid: string }) => doc.uid === row.uid);
    reader = await t.createUserWithToken('log-reader');
    const [repo] = await t.database.db.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [
      repository.uid,
    ]);
    await grantAccess(t.database.db, reader.userId, Number(repo!.id), 'read');
  });

  it('logs nothing for a made-up uid: 404', async () => {
    const madeUp = { ...row, uid: 'made-up-uid-4242', content: huge };
    const response = await resolve(
      { uid: madeUp.uid, resolution: 'server', base: null, local: madeUp },
      reader.token,
    );
    expect(response.status).toBe(404);
    expect((await jsonOf(response)).code).toBe('NOT_FOUND');
    expect(await logCount()).toBe(0);
  });

  it('refuses a local state far larger than the row, with 413 naming the field', async () => {
    const response = await resolve(
      { uid: row.uid, resolution: 'server', base: stored, local: { ...stored, content: huge } },
      reader.token,
    );
    expect(response.status).toBe(413);
    const body = await jsonOf(response);
    expect(body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.error).toMatch(/^local is \d+ bytes, more than the \d+ the conflict log keeps/);
    expect(await logCount()).toBe(0);
  });

  it('still logs the resolution of a large document, whose local is as large as the row', async () => {
    const changes = await jsonOf(await t.request('GET', '/api/v1/sync/changes?collection=documents'));
    const bigStored = changes.data.documents.find((doc: { uid: string }) => doc.uid === big.uid);
    const response = await resolve(
      {
        uid: big.uid,
        resolution: 'server',
        base: bigStored,
        local: { ...bigStored, content: 'c'.repeat(700 * 1024) },
      },
      reader.token,
    );
    expect(response.status).toBe(200);
    expect(await logCount()).toBe(1);
  });

  it('deletes entries past the retention on the next write and never lists them', async () => {
    await t.database.db.query(
      `INSERT INTO sync_conflict_log (user_id, user_name, collection, uid, resolution, resolved_at)
       VALUES ($1, 'log-reader', 'documents', $2, 'server', now() - interval '91 days')`,
      [reader.userId, row.uid],
    );
    const listed = await jsonOf(await t.request('GET', `/api/v1/sync/conflicts?uid=${row.uid}`));
    expect(listed.data.items).toEqual([]);
    const response = await resolve(
      { uid: row.uid, resolution: 'server', base: stored, local: stored },
      reader.token,
    );
    expect(response.status).toBe(200);
    const ages = await t.database.db.query<{ old: boolean }>(
      `SELECT resolved_at < now() - interval '90 days' AS old FROM sync_conflict_log WHERE uid = $1`,
      [row.uid],
    );
    expect(ages).toEqual([{ old: false }]);
  });
});
