// A push the server refuses for good (a document over its body limit, an owner row it does
// not have) is parked with the server's reason: the other rows of its batch still arrive, the
// collection keeps syncing, the refused text stays in the replica, and Retry sends it again.
import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import type { Client } from '../support/sync-client.js';
import { contents, local, useSyncServer, waitUntil } from '../support/sync-client.js';

const LIMIT = 64 * 1024;
const big = (label: string) => `${label}\n${'这是一段很长的文字。'.repeat(LIMIT / 10)}`;

const parked = (client: Client) => firstValueFrom(client.sync.parkedPushes$);

describe.each(testDatabaseKinds())('pushes refused for good on %s', (kind) => {
  const server = useSyncServer(kind, { config: { maxBodyBytes: LIMIT } });
  const serverContent = async (uid: string) =>
    (
      await server.app.database.db.query<{ content: string }>(
        'SELECT content FROM documents WHERE uid = $1',
        [uid],
      )
    )[0]?.content;

  it('parks a document over the body limit, delivers the rest, and sends it again on Retry', async () => {
    const a = await server.open();
    const repo = repositoryDoc({ name: 'wiki' });
    const existing = documentDoc(repo.uid, null, { title: 'existing', content: 'on the server' });
    await a.replica.collections.repositories.insert(local(repo));
    await a.replica.collections.documents.insert(local(existing));
    await a.sync.awaitInSync();
    expect(await serverContent(existing.uid)).toBe('on the server');

    // One batch: two small new documents, a big new one, and an existing one grown too big.
    await a.sync.pause();
    const small = [1, 2].map((n) =>
      documentDoc(repo.uid, null, { title: `small ${n}`, content: `text ${n}` }),
    );
    const huge = documentDoc(repo.uid, null, { title: 'huge', content: big('new') });
    for (const doc of [small[0]!, huge, small[1]!]) await a.replica.collections.documents.insert(local(doc));
    const onA = await a.replica.collections.documents.findOne(existing.uid).exec();
    await onA!.incrementalPatch({ content: big('grown'), updated_at: new Date().toISOString() });
    await a.sync.resume();

    await waitUntil(async () => (await parked(a)).length === 2, 'both big documents are parked');
    for (const doc of small) expect(await serverContent(doc.uid)).toBe(doc.content);
    expect(await serverContent(huge.uid)).toBeUndefined();
    expect(await serverContent(existing.uid)).toBe('on the server');
    const entries = await parked(a);
    expect(entries.map((entry) => [entry.uid, entry.code, entry.server_had_row]).sort()).toEqual(
      [
        [huge.uid, 'PAYLOAD_TOO_LARGE', false],
        [existing.uid, 'PAYLOAD_TOO_LARGE', true],
      ].sort(),
    );
    expect(entries.find((entry) => entry.uid === existing.uid)?.state.content).toBe(big('grown'));
    expect(entries[0]?.reason).toMatch(/larger than/);
    // The replica shows the server's version of the row the server has; the parked entry
    // holds the refused text. The new row keeps its text locally (there is no server version).
    await waitUntil(
      async () =>
        (await contents(a, 'documents')).find((doc) => doc.uid === existing.uid)?.content === 'on the server',
      'the existing row shows the server version',
    );
    expect((await contents(a, 'documents')).find((doc) => doc.uid === huge.uid)?.content).toBe(big('new'));
    await waitUntil(async () => (await firstValueFrom(a.sync.pendingCount$)) === 0, 'nothing left pending');

    // The collection is not stuck: a later edit goes through.
    const first = await a.replica.collections.documents.findOne(small[0]!.uid).exec();
    await first!.incrementalPatch({ content: 'edited later', updated_at: new Date().toISOString() });
    await waitUntil(
      async () => (await serverContent(small[0]!.uid)) === 'edited later',
      'the later edit arrives',
    );
    expect((await firstValueFrom(a.sync.status$)).documents.error).toBeNull();

    // Retry unchanged: refused again, parked again.
    await a.sync.retryParked('documents', existing.uid);
    await waitUntil(
      async () => (await parked(a)).filter((entry) => entry.uid === existing.uid).length === 1,
      'the unchanged retry is parked again',
    );
    await a.sync.awaitInSync();
    expect(await serverContent(existing.uid)).toBe('on the server');

    // Retry after shortening: delivered, and nothing stays parked.
    await a.sync.retryParked('documents', existing.uid, { content: 'grown, but shorter' });
    await a.sync.retryParked('documents', huge.uid, { content: 'new, but shorter' });
    await waitUntil(
      async () => (await serverContent(existing.uid)) === 'grown, but shorter',
      'the shortened edit arrives',
    );
    await waitUntil(
      async () => (await serverContent(huge.uid)) === 'new, but shorter',
      'the new document arrives',
    );
    expect(await parked(a)).toEqual([]);
  });

  it('parks a document whose repository the server does not have, and keeps syncing', async () => {
    const a = await server.open();
    const repo = repositoryDoc({ name: 'wiki' });
    await a.replica.collections.repositories.insert(local(repo));
    await a.sync.awaitInSync();
    const orphan = documentDoc(repositoryDoc().uid, null, { title: 'orphan', content: 'kept' });
    const fine = documentDoc(repo.uid, null, { title: 'fine', content: 'arrives' });
    await a.sync.pause();
    await a.replica.collections.documents.insert(local(orphan));
    await a.replica.collections.documents.insert(local(fine));
    await a.sync.resume();

    await waitUntil(async () => (await parked(a)).length === 1, 'the orphan is parked');
    expect(await parked(a)).toMatchObject([
      { uid: orphan.uid, code: 'CONFLICT', state: { content: 'kept' } },
    ]);
    expect((await parked(a))[0]?.reason).toMatch(/does not have/);
    await waitUntil(async () => (await serverContent(fine.uid)) === 'arrives', 'the other document arrives');

    await a.sync.discardParked('documents', orphan.uid);
    expect(await parked(a)).toEqual([]);
  });

  it('does not park a document whose new task is still on its way', async () => {
    // The tasks' push is held back, so the document's push meets a server without its task.
    let documentPushes = 0;
    const slowTasks = async (input: string, init?: RequestInit) => {
      const body = typeof init?.body === 'string' ? init.body : '';
      if (input.endsWith('/push') && body.includes('"collection":"tasks"'))
        await new Promise((resolve) => setTimeout(resolve, 800));
      if (input.endsWith('/push') && body.includes('"collection":"documents"')) documentPushes++;
      return fetch(input, init);
    };
    const a = await server.open({ fetch: slowTasks });
    const repo = repositoryDoc({ name: 'wiki' });
    await a.replica.collections.repositories.insert(local(repo));
    await a.sync.awaitInSync();
    const task = taskDoc(repo.uid, { title: 'new task' });
    const doc = documentDoc(repo.uid, task.uid, { title: 'its document', content: 'waits for its task' });
    await a.replica.collections.tasks.insert(local(task));
    await a.replica.collections.documents.insert(local(doc));

    await waitUntil(
      async () => (await serverContent(doc.uid)) === 'waits for its task',
      'the document arrives',
    );
    expect(documentPushes).toBeGreaterThan(1);
    expect(await parked(a)).toEqual([]);
  });
});
