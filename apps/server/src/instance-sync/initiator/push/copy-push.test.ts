// The copy-v1 transport (`copy-upsert`): a receiver that offers it gets the rows as JSON lines
// loaded with COPY, and ends in the same state as one that gets the same repository as
// `batch-upsert` batches; a receiver without the capability gets batches; a row that fails
// in the middle of a request is reported alone, by its id, and the rows around it land.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COPY_CONTENT_TYPE, COPY_FORMAT, encodeCopyHeader } from '@wikisync/shared';
import { writeTransaction } from '../../../db/database.js';
import { jsonOf, listen } from '../../../testing/test-app.js';
import { testDatabaseKinds } from '../../../testing/test-database.js';
import {
  createPeerTokenOn,
  linkPeers,
  repositoryContent,
  runSync,
  saveTarget,
  seedRepository,
  usePeers,
  type SeededRepository,
} from '../../../testing/peer-test-kit.js';

/** Text that COPY's format must escape, and text that merely looks like its escapes. */
const AWKWARD = [
  'tab\there',
  'line\nbreak and \r\n windows',
  'back\\slash \\N \\t \\\\ literal',
  '\\N',
  '',
  'ünïcödé 中文 😀 \u2028 \u00a0',
  '"quotes" and \'apostrophes\' and {"json": [1, 2]}',
];

/** A deterministic generator, so a failure names the same data on every run. */
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe.each(testDatabaseKinds())('copy-v1 push on %s', (kind) => {
  // B offers copy-v1; C is reached through a stand-in that hides it, like an older server.
  // D has the transport turned off (SYNC_COPY=off).
  // E sends gzipped, signed bodies to F, as toward a server that is not on loopback.
  const [a, b, c, d, e, f] = usePeers(
    kind,
    { requestTimeoutMs: 60_000 },
    {},
    {},
    { copyTransport: false },
    { requestTimeoutMs: 60_000, compression: 'on' },
    {},
  );
  let repo: SeededRepository;
  let viaBatches: { base: string; seen: string[]; close: () => Promise<void> };

  beforeAll(async () => {
    await linkPeers(a, b);
    const seen: string[] = [];
    const server = await listen(async (request) => {
      const url = new URL(request.url);
      const endpoint = url.pathname.replace(/^\/api\/sync\//, '');
      seen.push(endpoint);
      if (endpoint === 'copy-upsert') return new Response('Not Found', { status: 404 });
      const headers = new Headers();
      for (const [name, value] of request.headers)
        if (/^(authorization|content-type|content-encoding|x-sync-)/.test(name)) headers.set(name, value);
      const body = request.method === 'POST' ? await request.arrayBuffer() : undefined;
      const answer = await fetch(`${c.base}/${endpoint}${url.search}`, {
        method: request.method,
        headers,
        body,
      });
      const json = (await answer.json()) as { data: { capabilities: Record<string, unknown> } };
      if (endpoint === 'ping') delete json.data.capabilities.copy;
      return Response.json(json, { status: answer.status });
    });
    viaBatches = { base: `${server.url}/api/sync`, seen, close: server.close };
    await saveTarget(a, viaBatches.base, { token: await createPeerTokenOn(c) });

    // Past the small push (200 documents), with versions, awkward text and metadata.
    repo = await seedRepository(a.t.database.db, 'copy-alpha', 120, 3, 300);
    const random = generator(7);
    await writeTransaction(a.t.database.db, async (tx) => {
      for (const [index, id] of repo.documentIds.entries()) {
        if (random() > 0.3) continue;
        const text = Array.from({ length: 3 }, () => AWKWARD[Math.floor(random() * AWKWARD.length)]).join(
          ' ',
        );
        await tx.query(`UPDATE documents SET content = $2, title = $3, metadata = $4 WHERE id = $1`, [
          id,
          text,
          `Doc ${index} ${text.slice(0, 20)}`,
          { note: text, depth: { n: index, list: [text, null, true] } },
        ]);
      }
      await tx.query(
        `UPDATE documents SET is_latest = false, replaced_by_uid = (SELECT uid FROM documents WHERE id = $2) WHERE id = $1`,
        [repo.documentIds[0], repo.documentIds[1]],
      );
      await tx.query(`UPDATE tasks SET title = $2 WHERE id = $1`, [repo.taskIds[3], AWKWARD.join('|')]);
    });
  });
  afterAll(async () => {
    await viaBatches?.close();
  });

  it('ends in the same state as batches of the same repository, and falls back to batches without the capability', async () => {
    const copied = await runSync(a, '/api/sync', { target_server: b.base, repository_id: repo.id });
    expect(copied.session).toMatchObject({ status: 'completed', error: null, transport: 'copy' });
    const batched = await runSync(a, '/api/sync', { target_server: viaBatches.base, repository_id: repo.id });
    expect(batched.session).toMatchObject({ status: 'completed', error: null, transport: 'batch' });
    expect(viaBatches.seen).toContain('batch-upsert');
    expect(viaBatches.seen).not.toContain('copy-upsert');

    expect(copied.session.counts).toEqual(batched.session.counts);
    expect(copied.session.counts).toMatchObject({ created: 120 + 360, failed: 0 });
    const source = await repositoryContent(a.t.database.db, repo.id);
    const onB = await repositoryContent(b.t.database.db, copied.session.remote_repository_id);
    const onC = await repositoryContent(c.t.database.db, batched.session.remote_repository_id);
    expect(onB).toEqual(onC);
    expect(onB).toEqual(source);
    const metadata = (db: typeof a.t.database.db, repositoryId: number) =>
      db.query(
        `SELECT uid, metadata, created_at, updated_at FROM documents WHERE repository_id = $1 ORDER BY uid`,
        [repositoryId],
      );
    expect(await metadata(b.t.database.db, copied.session.remote_repository_id)).toEqual(
      await metadata(c.t.database.db, batched.session.remote_repository_id),
    );
  });

  it('sends batches to a server that turned the copy transport off, and ends in the same state', async () => {
    const token = await createPeerTokenOn(d);
    const ping = await jsonOf(
      await fetch(`${d.base}/ping`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(ping.data.capabilities.copy).toEqual([]);
    await linkPeers(a, d);
    const batched = await runSync(a, '/api/sync', { target_server: d.base, repository_id: repo.id });
    expect(batched.session).toMatchObject({ status: 'completed', error: null, transport: 'batch' });
    expect(await repositoryContent(d.t.database.db, batched.session.remote_repository_id)).toEqual(
      await repositoryContent(a.t.database.db, repo.id),
    );
    const refused = await fetch(`${d.base}/copy-upsert`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': COPY_CONTENT_TYPE },
      body: `${encodeCopyHeader({ repository_id: 1, entity: 'tasks', columns: ['task_id'] })}\n`,
    });
    expect(refused.status).toBe(404);
    expect((await jsonOf(refused)).error).toContain('SYNC_COPY=off');
  });

  it('sends copy-v1 bodies gzipped and signed, and they land the same', async () => {
    const secret = 'copy-signing-secret-0123456789';
    const token = await createPeerTokenOn(f, ['receive'], { signingSecret: secret });
    await saveTarget(e, f.base, { token, signing_secret: secret });
    const seeded = await seedRepository(e.t.database.db, 'copy-signed', 90, 3, 2000);
    const pushed = await runSync(e, '/api/sync', { target_server: f.base, repository_id: seeded.id });
    expect(pushed.session).toMatchObject({ status: 'completed', error: null, transport: 'copy' });
    expect(pushed.session.counts).toMatchObject({ created: 90 + 270, failed: 0 });
    expect(await repositoryContent(f.t.database.db, pushed.session.remote_repository_id)).toEqual(
      await repositoryContent(e.t.database.db, seeded.id),
    );
  });

  it('re-runs a full copy as updates of the same rows, not copies', async () => {
    await writeTransaction(a.t.database.db, (tx) =>
      tx.query(`UPDATE documents SET content = content || ' again' WHERE repository_id = $1`, [repo.id]),
    );
    const again = await runSync(a, '/api/sync', { target_server: b.base, repository_id: repo.id });
    expect(again.session).toMatchObject({ status: 'completed', transport: 'copy' });
    expect(again.session.counts).toMatchObject({ updated: 360, created: 0, failed: 0 });
    expect(await repositoryContent(b.t.database.db, again.session.remote_repository_id)).toEqual(
      await repositoryContent(a.t.database.db, repo.id),
    );
  });

  it('reports a row that fails in the middle of a request by its id, and stores the rows around it', async () => {
    const token = await createPeerTokenOn(b);
    const post = (body: string) =>
      fetch(`${b.base}/copy-upsert`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': COPY_CONTENT_TYPE,
          'x-sync-instance': 'copy-test-sender',
        },
        body,
      });
    const upserted = await fetch(`${b.base}/repository-upsert`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-sync-instance': 'copy-test-sender',
      },
      body: JSON.stringify({ repository_id: 900, name: 'copy-by-hand', url: 'https://example.com/h' }),
    });
    expect(upserted.status).toBe(200);
    const columns = ['task_id', 'title', 'status', 'task_type', 'sort_order'];
    const header = encodeCopyHeader({ repository_id: 900, entity: 'tasks', columns });
    const lines = [
      JSON.stringify([1, 'first', 'succeeded', 'module', 1]),
      '[2, "broken", "succeeded", ',
      JSON.stringify([3, 'bad status', 'no-such-status', 'module', 3]),
      JSON.stringify([4, 'wrong width']),
      JSON.stringify([5, 'after\tthe\nbad ones \\N', 'succeeded', 'module', 5]),
    ];
    const response = await post(`${header}\n${lines.join('\n')}\n`);
    expect(response.status).toBe(200);
    const { data } = await jsonOf(response);
    const byId = new Map(
      data.tasks.map((outcome: { id: number; result: string; error?: string }) => [outcome.id, outcome]),
    );
    expect(byId.get(1)).toMatchObject({ result: 'created' });
    expect(byId.get(5)).toMatchObject({ result: 'created' });
    expect(byId.get(2)).toMatchObject({ result: 'failed', error: expect.stringContaining('line 3') });
    expect(byId.get(3)).toMatchObject({ result: 'failed', error: expect.stringContaining('status') });
    expect(byId.get(4)).toMatchObject({ result: 'failed', error: expect.stringContaining('5 columns') });
    const titles = await b.t.database.db.query<{ title: string }>(
      `SELECT title FROM tasks WHERE repository_id = $1 ORDER BY sort_order`,
      [data.repository_id],
    );
    expect(titles.map((row) => row.title)).toEqual(['first', 'after\tthe\nbad ones \\N']);

    // Sent again, the failed rows fixed, they land and the others stay as they were.
    const fixed = await post(
      `${header}\n${[lines[0], JSON.stringify([2, 'fixed', 'succeeded', 'module', 2]), JSON.stringify([3, 'fixed too', 'succeeded', 'module', 3])].join('\n')}\n`,
    );
    const retried = (await jsonOf(fixed)).data.tasks.map((o: { id: number; result: string }) => [
      o.id,
      o.result,
    ]);
    expect(retried).toEqual([
      [1, 'unchanged'],
      [2, 'created'],
      [3, 'created'],
    ]);

    // A body without its header is refused with what to send.
    const headless = await post(`${lines[0]}\n`);
    expect(headless.status).toBe(400);
    expect((await jsonOf(headless)).error).toContain(COPY_FORMAT);
  });
});
