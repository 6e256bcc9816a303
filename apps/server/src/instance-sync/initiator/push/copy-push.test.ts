// The copy transport (`copy-upsert`): a receiver that offers it gets the tasks as JSON lines
// (copy-v1) and the documents as PostgreSQL COPY text (pg-text-v1), both loaded with COPY, and
// ends in the same state as one that gets the same repository as `batch-upsert` batches; a
// receiver without the capability gets batches; a row that fails in the middle of a request is
// reported alone, by its id, and the rows around it land; COPY text the receiver cannot read
// is refused whole, and the sender sends those rows as copy-v1. A chunk of documents goes once
// the chunks of its tasks are answered, not after every task.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  COPY_CONTENT_TYPE,
  COPY_FORMAT,
  encodeCopyHeader,
  PG_TEXT_DOCUMENT_COLUMNS,
  PG_TEXT_DOCUMENT_REFERENCE_COLUMNS,
  PG_TEXT_FORMAT,
  PG_TEXT_TASK_COLUMNS,
  PG_TEXT_TASKS_FORMAT,
  REPLACED_BY_UID_REFERENCE,
  type BatchLinks,
  type CopyUpsertHeader,
} from '@wikisync/shared';
import { type Queryable, writeTransaction } from '../../../db/database.js';
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

/** What a stand-in receives: the URL, the endpoint under /api/sync and the body, if any. */
async function received(request: Request) {
  const url = new URL(request.url);
  const endpoint = url.pathname.replace(/^\/api\/sync\//, '');
  const body = request.method === 'POST' ? Buffer.from(await request.arrayBuffer()) : undefined;
  return { url, endpoint, body };
}

/** Passes a request on to `target` with the headers a peer call carries. */
function forward(request: Request, target: string, body: Buffer | undefined): Promise<Response> {
  const headers = new Headers();
  for (const [name, value] of request.headers)
    if (/^(authorization|content-type|content-encoding|x-sync-)/.test(name)) headers.set(name, value);
  return fetch(target, { method: request.method, headers, body });
}

/** A deterministic generator, so a failure names the same data on every run. */
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Every value of a repository's live tasks, with their references and usages by title. */
async function taskDetails(db: Queryable, repositoryId: number) {
  return db.query(
    `SELECT t.title, t.writer_name, t.task_type, t.outline, t.status, t.error_msg, t.sort_order,
            t.started_at, t.completed_at, t.metadata, t.created_at, t.updated_at,
            ra.title AS run_after, d.title AS doc,
            (SELECT json_agg(json_build_object('key', u.api_key_name, 'prompt', u.prompt_tokens,
                    'completion', u.completion_tokens, 'total', u.total_tokens) ORDER BY u.id)
               FROM task_usages u WHERE u.task_id = t.id) AS usages
       FROM tasks t
       LEFT JOIN tasks ra ON ra.uid = t.run_after_uid AND ra.repository_id = t.repository_id
       LEFT JOIN documents d ON d.uid = t.doc_uid AND d.repository_id = t.repository_id
      WHERE t.repository_id = $1 AND NOT t.deleted ORDER BY t.sort_order, t.title`,
    [repositoryId],
  );
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
  // A stand-in in front of B that passes everything on and notes each copy-upsert's header and
  // the links of each batch-upsert; told to, it answers 400 to pg-text-v1 and pg-text-tasks-v1
  // bodies, as a receiver that cannot read them would, or leaves `replaced_by_uid` out of the
  // references it offers, as a receiver from before it would.
  let recording: {
    base: string;
    formats: string[];
    headers: CopyUpsertHeader[];
    links: BatchLinks[];
    refusePgText: boolean;
    withoutReplacedByUid: boolean;
    close: () => Promise<void>;
  };

  beforeAll(async () => {
    await linkPeers(a, b);
    const seen: string[] = [];
    const server = await listen(async (request) => {
      const { url, endpoint, body } = await received(request);
      seen.push(endpoint);
      if (endpoint === 'copy-upsert') return new Response('Not Found', { status: 404 });
      const answer = await forward(request, `${c.base}/${endpoint}${url.search}`, body);
      const json = (await answer.json()) as { data: { capabilities: Record<string, unknown> } };
      // As a receiver from before copy-upsert and `doc_uid` answers: batches, and links at the end.
      if (endpoint === 'ping') {
        delete json.data.capabilities.copy;
        delete json.data.capabilities.references;
      }
      return Response.json(json, { status: answer.status });
    });
    viaBatches = { base: `${server.url}/api/sync`, seen, close: server.close };
    await saveTarget(a, viaBatches.base, { token: await createPeerTokenOn(c) });

    const formats: string[] = [];
    const headers: CopyUpsertHeader[] = [];
    const links: BatchLinks[] = [];
    const recorder = await listen(async (request) => {
      const { url, endpoint, body } = await received(request);
      if (endpoint === 'copy-upsert' && body) {
        const header = JSON.parse(body.subarray(0, body.indexOf(10)).toString()) as CopyUpsertHeader;
        const format = header.format;
        formats.push(format);
        headers.push(header);
        if ((format === PG_TEXT_FORMAT || format === PG_TEXT_TASKS_FORMAT) && recording.refusePgText)
          return Response.json(
            { code: 'VALIDATION_ERROR', error: 'cannot read these rows' },
            { status: 400 },
          );
      }
      if (endpoint === 'batch-upsert' && body) {
        const sent = JSON.parse(body.toString()) as { links?: BatchLinks };
        if (sent.links) links.push(sent.links);
      }
      const answer = await forward(request, `${b.base}/${endpoint}${url.search}`, body);
      if (endpoint === 'ping' && recording.withoutReplacedByUid) {
        const json = (await answer.json()) as { data: { capabilities: { references: string[] } } };
        const { capabilities } = json.data;
        capabilities.references = capabilities.references.filter(
          (name) => name !== REPLACED_BY_UID_REFERENCE,
        );
        return Response.json(json, { status: answer.status });
      }
      return new Response(await answer.arrayBuffer(), {
        status: answer.status,
        headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json' },
      });
    });
    recording = {
      base: `${recorder.url}/api/sync`,
      formats,
      headers,
      links,
      refusePgText: false,
      withoutReplacedByUid: false,
      close: recorder.close,
    };
    await saveTarget(a, recording.base, { token: await createPeerTokenOn(b) });

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
    await recording?.close();
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
    // Our receiver maps our ids itself: the sender's sent map holds repositories only (what a
    // copy coming home is recognised by), and each row's id there is in the session's items.
    const sentEntities = await a.t.database.db.query<{ entity: string }>(
      'SELECT DISTINCT entity FROM sync_sent_map',
    );
    expect(sentEntities).toEqual([{ entity: 'repository' }]);
    const items = await a.t.database.db.query<{ uid: string; target_id: number }>(
      `SELECT d.uid, i.target_id FROM sync_items i JOIN documents d ON d.id = i.source_id
        WHERE i.session_id = $1 AND i.entity = 'document' ORDER BY d.uid`,
      [again.started.sync_id],
    );
    const onB = await b.t.database.db.query<{ uid: string; target_id: number }>(
      'SELECT uid, id AS target_id FROM documents WHERE repository_id = $1 ORDER BY uid',
      [again.session.remote_repository_id],
    );
    expect(items.map((item) => [item.uid, Number(item.target_id)])).toEqual(
      onB.map((row) => [row.uid, Number(row.target_id)]),
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

  it('sends tasks as pg-text-tasks-v1 and documents as pg-text-v1, and sends refused rows of either again as copy-v1', async () => {
    /** Awkward text, references, usages and metadata past what the receiver's database vouches for. */
    const seed = async (name: string) => {
      const seeded = await seedRepository(a.t.database.db, name, 80, 3, 500);
      const [, first, second, third, fourth, fifth, sixth] = seeded.taskIds;
      await writeTransaction(a.t.database.db, async (tx) => {
        await tx.query(`UPDATE documents SET content = $2, metadata = $3 WHERE id = $1`, [
          seeded.documentIds[5],
          AWKWARD.join('\n'),
          { note: AWKWARD.join('\t') },
        ]);
        // Large enough for PostgreSQL to compress it.
        await tx.query(`UPDATE documents SET content = $2 WHERE id = $1`, [
          seeded.documentIds[6],
          'A page of the wiki, long enough to be compressed. '.repeat(400),
        ]);
        await tx.query(
          `UPDATE tasks SET outline = $2, metadata = $3, error_msg = $4, started_at = now(),
                  run_after_uid = (SELECT uid FROM tasks WHERE id = $5) WHERE id = $1`,
          [
            second,
            AWKWARD.join('\n'),
            { note: AWKWARD.join('\t'), long: 'x'.repeat(100) },
            AWKWARD[2],
            first,
          ],
        );
        await tx.query(`UPDATE tasks SET metadata = '{"k": 1}', status = 'failed' WHERE id = $1`, [third]);
        await tx.query(
          `INSERT INTO task_usages (task_id, api_key_name, prompt_tokens, completion_tokens, total_tokens)
           VALUES ($1, 'key-a', 10, 20, 30), ($1, 'key-b', 1, 2, 3)`,
          [fourth],
        );
        await tx.query(
          `UPDATE tasks SET run_after_uid = (SELECT uid FROM tasks WHERE id = $2) WHERE id = $1`,
          [sixth, fifth],
        );
      });
      return seeded;
    };
    const seeded = await seed('pg-text-alpha');
    const pushed = await runSync(a, '/api/sync', { target_server: recording.base, repository_id: seeded.id });
    expect(pushed.session).toMatchObject({ status: 'completed', error: null, transport: 'copy' });
    expect(pushed.session.counts).toMatchObject({ created: 80 + 240, failed: 0 });
    expect(new Set(recording.formats)).toEqual(new Set([PG_TEXT_TASKS_FORMAT, PG_TEXT_FORMAT]));
    expect(await repositoryContent(b.t.database.db, pushed.session.remote_repository_id)).toEqual(
      await repositoryContent(a.t.database.db, seeded.id),
    );
    expect(await taskDetails(b.t.database.db, pushed.session.remote_repository_id)).toEqual(
      await taskDetails(a.t.database.db, seeded.id),
    );
    // A large document keeps the compression it was staged with: lz4 where the receiver's
    // server has it, pglz (the only one the embedded database has) elsewhere.
    const [large] = await b.t.database.db.query<{ method: string; lz4: boolean }>(
      `SELECT pg_column_compression(content) AS method,
              EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) AS lz4
         FROM documents WHERE repository_id = $1 AND content LIKE 'A page of the wiki%'`,
      [pushed.session.remote_repository_id],
    );
    expect(large?.method).toBe(large?.lz4 ? 'lz4' : 'pglz');

    // Refused as COPY text, the same rows go as copy-v1 and land, none reported failed.
    recording.formats.length = 0;
    recording.refusePgText = true;
    // Past the small push (200 documents), as above.
    const second = await seed('pg-text-refused');
    const fallback = await runSync(a, '/api/sync', {
      target_server: recording.base,
      repository_id: second.id,
    });
    recording.refusePgText = false;
    expect(fallback.session).toMatchObject({ status: 'completed', error: null });
    expect(fallback.session.counts).toMatchObject({ created: 80 + 240, failed: 0 });
    expect(recording.formats).toEqual(
      expect.arrayContaining([PG_TEXT_FORMAT, PG_TEXT_TASKS_FORMAT, COPY_FORMAT]),
    );
    expect(await repositoryContent(b.t.database.db, fallback.session.remote_repository_id)).toEqual(
      await repositoryContent(a.t.database.db, second.id),
    );
    expect(await taskDetails(b.t.database.db, fallback.session.remote_repository_id)).toEqual(
      await taskDetails(a.t.database.db, second.id),
    );
  });

  it('sends no link to none for a row the receiver created in the same push, and still clears one it held', async () => {
    // A receiver that does not take a document's newer version by uid: past the small push
    // (200 documents), the links go in requests of their own at the end.
    recording.withoutReplacedByUid = true;
    onTestFinished(() => void (recording.withoutReplacedByUid = false));
    const seeded = await seedRepository(a.t.database.db, 'links-alpha', 80, 3, 100);
    const [older, newer, third, fourth] = seeded.documentIds;
    const supersede = (tx: Queryable, id: number, by: number) =>
      tx.query(
        `UPDATE documents SET is_latest = false, replaced_by_uid = (SELECT uid FROM documents WHERE id = $2) WHERE id = $1`,
        [id, by],
      );
    await writeTransaction(a.t.database.db, async (tx) => {
      await supersede(tx, older!, newer!);
      await supersede(tx, third!, fourth!);
    });
    recording.links.length = 0;
    const pushed = await runSync(a, '/api/sync', { target_server: recording.base, repository_id: seeded.id });
    expect(pushed.session).toMatchObject({ status: 'completed', error: null });
    expect(pushed.session.counts).toMatchObject({ created: 80 + 240, failed: 0 });
    const firstLinks = recording.links.flatMap((sent) => sent.documents);
    // Only the two documents that point somewhere. Every task points at its document, which
    // its row carries (`doc_uid`), so no task needs a link.
    expect(firstLinks.map((link) => link.document_id).sort((x, y) => x - y)).toEqual([older, third]);
    expect(recording.links.flatMap((sent) => sent.tasks)).toEqual([]);
    expect(await repositoryContent(b.t.database.db, pushed.session.remote_repository_id)).toEqual(
      await repositoryContent(a.t.database.db, seeded.id),
    );

    // The older version is the current one again; every document changes, so this push is
    // past the small push too, and its rows are updated, not created.
    await writeTransaction(a.t.database.db, async (tx) => {
      await tx.query(`UPDATE documents SET is_latest = true, replaced_by_uid = NULL WHERE id = $1`, [older]);
      await tx.query(`UPDATE documents SET title = title || ' (edited)' WHERE repository_id = $1`, [
        seeded.id,
      ]);
    });
    recording.links.length = 0;
    const again = await runSync(a, '/api/sync', { target_server: recording.base, repository_id: seeded.id });
    expect(again.session).toMatchObject({ status: 'completed', error: null });
    expect(again.session.counts).toMatchObject({ created: 0, failed: 0 });
    expect(recording.links.flatMap((sent) => sent.documents)).toContainEqual({
      document_id: older,
      replaced_by: null,
    });
    const onB = await repositoryContent(b.t.database.db, again.session.remote_repository_id);
    expect(onB).toEqual(await repositoryContent(a.t.database.db, seeded.id));
    expect(onB.documents.filter((document) => document.replaced_by_title !== null)).toHaveLength(1);
  });

  it("carries a document's newer version in its row, as COPY text or copy-v1, and sends no links", async () => {
    const supersede = (tx: Queryable, id: number, by: number | null) =>
      tx.query(
        `UPDATE documents SET is_latest = $2::bigint IS NULL,
                replaced_by_uid = (SELECT uid FROM documents WHERE id = $2::bigint) WHERE id = $1`,
        [id, by],
      );
    for (const refusePgText of [false, true]) {
      recording.refusePgText = refusePgText;
      onTestFinished(() => void (recording.refusePgText = false));
      // Past the small push (200 documents): the rows go as copy requests.
      const seeded = await seedRepository(a.t.database.db, `versions-${refusePgText}`, 80, 3, 100);
      const ids = seeded.documentIds;
      // Newer versions later and earlier in the push, and one that is a chain.
      await writeTransaction(a.t.database.db, async (tx) => {
        await supersede(tx, ids[0]!, ids[239]!);
        await supersede(tx, ids[200]!, ids[3]!);
        await supersede(tx, ids[3]!, ids[4]!);
      });
      recording.links.length = 0;
      recording.headers.length = 0;
      const pushed = await runSync(a, '/api/sync', {
        target_server: recording.base,
        repository_id: seeded.id,
      });
      expect(pushed.session).toMatchObject({ status: 'completed', error: null });
      expect(pushed.session.counts).toMatchObject({ created: 80 + 240, failed: 0 });
      expect(recording.links).toEqual([]);
      const documentHeaders = recording.headers.filter((header) => header.entity === 'documents');
      expect(documentHeaders.length).toBeGreaterThan(0);
      for (const header of documentHeaders)
        expect(header.columns).toEqual(
          header.format === PG_TEXT_FORMAT
            ? [...PG_TEXT_DOCUMENT_REFERENCE_COLUMNS]
            : expect.arrayContaining(['replaced_by', 'replaced_by_uid']),
        );
      if (refusePgText) expect(documentHeaders.map((header) => header.format)).toContain(COPY_FORMAT);
      const content = async () => ({
        a: await repositoryContent(a.t.database.db, seeded.id),
        b: await repositoryContent(b.t.database.db, pushed.session.remote_repository_id),
      });
      let both = await content();
      expect(both.b).toEqual(both.a);
      expect(both.b.documents.filter((document) => document.replaced_by_title !== null)).toHaveLength(3);

      // Cleared, and pointed at a document new since the last push: every document changes, so
      // this push is past the small push too, its rows updated rather than created.
      await writeTransaction(a.t.database.db, async (tx) => {
        await supersede(tx, ids[0]!, null);
        await tx.query(
          `INSERT INTO documents (uid, repository_id, task_id, title, content, version)
           SELECT $2, repository_id, task_id, 'the newest version', 'text', 2 FROM documents WHERE id = $1`,
          [ids[200], `versions-newest-${refusePgText}`],
        );
        await tx.query(`UPDATE documents SET replaced_by_uid = $2, is_latest = false WHERE id = $1`, [
          ids[4],
          `versions-newest-${refusePgText}`,
        ]);
        await tx.query(`UPDATE documents SET title = title || ' (edited)' WHERE repository_id = $1`, [
          seeded.id,
        ]);
      });
      recording.links.length = 0;
      const again = await runSync(a, '/api/sync', {
        target_server: recording.base,
        repository_id: seeded.id,
      });
      expect(again.session).toMatchObject({ status: 'completed', error: null });
      expect(again.session.counts).toMatchObject({ created: 1, failed: 0 });
      expect(recording.links).toEqual([]);
      both = await content();
      expect(both.b).toEqual(both.a);
      expect(both.b.documents.filter((document) => document.replaced_by_title !== null)).toHaveLength(3);
    }
  });

  it('checks pg-text-v1 rows one by one, and refuses text it cannot read as a whole with what to send instead', async () => {
    const token = await createPeerTokenOn(b);
    const headers = { authorization: `Bearer ${token}`, 'x-sync-instance': 'pg-text-test-sender' };
    const upserted = await fetch(`${b.base}/repository-upsert`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ repository_id: 901, name: 'pg-text-by-hand', url: 'https://example.com/p' }),
    });
    expect(upserted.status).toBe(200);
    const header = (columns: readonly string[] = PG_TEXT_DOCUMENT_COLUMNS, entity = 'documents') =>
      encodeCopyHeader({
        format: PG_TEXT_FORMAT,
        repository_id: 901,
        entity: entity as 'documents',
        columns: [...columns],
      });
    const post = (body: string) =>
      fetch(`${b.base}/copy-upsert`, {
        method: 'POST',
        headers: { ...headers, 'content-type': COPY_CONTENT_TYPE },
        body,
      });
    // document_id uid task_id deleted created_at updated_at title filename content language
    // sort_order version is_latest metadata, in COPY's text format.
    const row = (id: number, fields: Partial<Record<string, string>> = {}) =>
      PG_TEXT_DOCUMENT_COLUMNS.map(
        (column) =>
          fields[column] ??
          {
            document_id: String(id),
            uid: `pg-text-doc-${id}`,
            task_id: '\\N',
            deleted: 'f',
            created_at: '2026-11-30 10:00:00+00',
            updated_at: '2026-11-30 11:00:00+00',
            title: `Doc ${id}`,
            filename: `doc-${id}.md`,
            content: `# Doc ${id}\\nline\\twith a tab\\\\N and 中文`,
            language: 'zh',
            sort_order: String(id),
            version: '1',
            is_latest: 't',
            metadata: '{"k": "v"}',
          }[column]!,
      ).join('\t');
    const response = await post(
      `${header()}\n${[
        row(1),
        row(2, { version: '0' }),
        row(3, { content: '\\N', metadata: '\\N', title: '\\N' }),
        row(4, { metadata: JSON.stringify({ big: 'x'.repeat(70_000) }) }),
      ].join('\n')}\n`,
    );
    expect(response.status).toBe(200);
    const { data } = await jsonOf(response);
    const byId = new Map(
      data.documents.map((outcome: { id: number; result: string; error?: string }) => [outcome.id, outcome]),
    );
    expect(byId.get(1)).toMatchObject({ result: 'created' });
    expect(byId.get(2)).toMatchObject({ result: 'failed', error: expect.stringContaining('version') });
    expect(byId.get(3)).toMatchObject({ result: 'created' });
    expect(byId.get(4)).toMatchObject({
      result: 'created',
      error: expect.stringContaining('without its metadata'),
    });
    const stored = await b.t.database.db.query<Record<string, unknown>>(
      `SELECT uid, title, content, metadata, to_json(created_at) #>> '{}' AS created_at FROM documents
        WHERE repository_id = $1 ORDER BY uid`,
      [data.repository_id],
    );
    expect(stored).toEqual([
      {
        uid: 'pg-text-doc-1',
        title: 'Doc 1',
        content: '# Doc 1\nline\twith a tab\\N and 中文',
        metadata: { k: 'v' },
        created_at: '2026-11-30T10:00:00+00:00',
      },
      { uid: 'pg-text-doc-3', title: '', content: '', metadata: {}, created_at: '2026-11-30T10:00:00+00:00' },
      expect.objectContaining({ uid: 'pg-text-doc-4', metadata: {} }),
    ]);

    // Text the database cannot read (a word for an integer) refuses the body, and nothing lands.
    const unreadable = await post(`${header()}\n${row(5, { sort_order: 'five' })}\n${row(6)}\n`);
    expect(unreadable.status).toBe(400);
    expect((await jsonOf(unreadable)).error).toContain(COPY_FORMAT);
    const wrongColumns = await post(`${header(['document_id', 'uid'])}\n5\tx\n`);
    expect(wrongColumns.status).toBe(400);
    expect((await jsonOf(wrongColumns)).error).toContain(PG_TEXT_DOCUMENT_COLUMNS.join(', '));
    const tasks = await post(`${header(['task_id'], 'tasks')}\n1\n`);
    expect(tasks.status).toBe(400);
    expect((await jsonOf(tasks)).error).toContain('documents only');
    const after = await b.t.database.db.query(`SELECT uid FROM documents WHERE repository_id = $1`, [
      data.repository_id,
    ]);
    expect(after).toHaveLength(3);
  });

  it('checks pg-text-tasks-v1 rows one by one: plain rows as staged, the others as the schema reads them', async () => {
    const token = await createPeerTokenOn(b);
    const headers = { authorization: `Bearer ${token}`, 'x-sync-instance': 'pg-text-tasks-sender' };
    const upserted = await fetch(`${b.base}/repository-upsert`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        repository_id: 902,
        name: 'pg-text-tasks-by-hand',
        url: 'https://example.com/t',
      }),
    });
    expect(upserted.status).toBe(200);
    const header = encodeCopyHeader({
      format: PG_TEXT_TASKS_FORMAT,
      repository_id: 902,
      entity: 'tasks',
      columns: [...PG_TEXT_TASK_COLUMNS],
    });
    const row = (id: number, fields: Partial<Record<string, string>> = {}) =>
      PG_TEXT_TASK_COLUMNS.map(
        (column) =>
          fields[column] ??
          {
            task_id: String(id),
            uid: `pg-text-task-${id}`,
            deleted: 'f',
            created_at: '2026-11-30 10:00:00+00',
            updated_at: '2026-11-30 11:00:00+00',
            writer_name: 'writer',
            task_type: 'doc',
            title: `Task ${id} 中文`,
            outline: 'line\\nnext\\twith a tab',
            status: 'succeeded',
            error_msg: '',
            sort_order: String(id),
            started_at: '\\N',
            completed_at: '\\N',
            metadata: '{}',
            run_after: '\\N',
            doc_id: '\\N',
            doc_uid: '\\N',
            run_after_uid: '\\N',
            task_usages: '[]',
          }[column]!,
      ).join('\t');
    const response = await fetch(`${b.base}/copy-upsert`, {
      method: 'POST',
      headers: { ...headers, 'content-type': COPY_CONTENT_TYPE },
      body: `${header}\n${[
        row(1),
        // openDeepWiki's word for a status, Go's zero time and no writer: taken as the schema reads them.
        row(2, { status: 'completed', started_at: '0001-01-01 00:00:00+00', writer_name: '\\N' }),
        row(3, { status: 'bogus' }),
        row(4, {
          run_after: '1',
          run_after_uid: 'pg-text-task-1',
          task_usages: JSON.stringify([
            { id: 9, task_id: 4, api_key_name: 'k', prompt_tokens: 5, total_tokens: 5 },
          ]),
        }),
      ].join('\n')}\n`,
    });
    expect(response.status).toBe(200);
    const { data } = await jsonOf(response);
    const byId = new Map(
      data.tasks.map((outcome: { id: number; result: string; error?: string }) => [outcome.id, outcome]),
    );
    expect(byId.get(1)).toMatchObject({ result: 'created' });
    expect(byId.get(2)).toMatchObject({ result: 'created' });
    expect(byId.get(3)).toMatchObject({ result: 'failed', error: expect.stringContaining('status') });
    expect(byId.get(4)).toMatchObject({ result: 'created' });
    const stored = await b.t.database.db.query<Record<string, unknown>>(
      `SELECT t.uid, t.writer_name, t.outline, t.status, t.started_at, ra.uid AS run_after,
              (SELECT sum(u.prompt_tokens)::int FROM task_usages u WHERE u.task_id = t.id) AS prompt_tokens
         FROM tasks t LEFT JOIN tasks ra ON ra.uid = t.run_after_uid
        WHERE t.repository_id = $1 ORDER BY t.uid`,
      [data.repository_id],
    );
    expect(stored).toEqual([
      {
        uid: 'pg-text-task-1',
        writer_name: 'writer',
        outline: 'line\nnext\twith a tab',
        status: 'succeeded',
        started_at: null,
        run_after: null,
        prompt_tokens: null,
      },
      {
        uid: 'pg-text-task-2',
        writer_name: '',
        outline: 'line\nnext\twith a tab',
        status: 'succeeded',
        started_at: null,
        run_after: null,
        prompt_tokens: null,
      },
      {
        uid: 'pg-text-task-4',
        writer_name: 'writer',
        outline: 'line\nnext\twith a tab',
        status: 'succeeded',
        started_at: null,
        run_after: 'pg-text-task-1',
        prompt_tokens: 5,
      },
    ]);
  });

  it('sends a chunk of documents once the chunks of its tasks are answered, while later tasks are still written', async () => {
    // A stand-in in front of B that offers chunks of 10 rows and holds each task chunk's answer
    // for a moment, noting when each copy-upsert was sent and answered, and which tasks a
    // chunk of documents names (the third field of each pg-text-v1 line is the sender's task).
    const events: {
      at: number;
      kind: 'tasks sent' | 'tasks answered' | 'documents sent';
      tasks: number[];
    }[] = [];
    let clock = 0;
    const stand = await listen(async (request) => {
      const { url, endpoint, body } = await received(request);
      let entity: string | undefined;
      if (endpoint === 'copy-upsert' && body) {
        const newline = body.indexOf(10);
        const header = JSON.parse(body.subarray(0, newline).toString()) as { format: string; entity: string };
        entity = header.entity;
        const lines = body
          .subarray(newline + 1)
          .toString()
          .split('\n')
          .filter(Boolean);
        const tasks =
          entity === 'tasks'
            ? lines.map((line) => Number((JSON.parse(line) as unknown[])[0]))
            : lines.map((line) => Number(line.split('\t')[2]));
        events.push({ at: clock++, kind: entity === 'tasks' ? 'tasks sent' : 'documents sent', tasks });
      }
      const answer = await forward(request, `${b.base}/${endpoint}${url.search}`, body);
      const json = (await answer.json()) as {
        data: Record<string, unknown> & { capabilities?: Record<string, unknown> };
      };
      if (endpoint === 'ping') json.data.capabilities!.max_batch_rows = 10;
      if (entity === 'tasks') {
        await new Promise((resolve) => setTimeout(resolve, 40));
        const answered = (json.data.tasks as { id: number }[]).map((row) => row.id);
        events.push({ at: clock++, kind: 'tasks answered', tasks: answered });
      }
      return Response.json(json, { status: answer.status });
    });
    try {
      await saveTarget(a, `${stand.url}/api/sync`, { token: await createPeerTokenOn(b) });
      // Past the small push: 60 tasks (6 chunks of tasks), 240 documents.
      const seeded = await seedRepository(a.t.database.db, 'pipelined', 60, 4, 300);
      const pushed = await runSync(a, '/api/sync', {
        target_server: `${stand.url}/api/sync`,
        repository_id: seeded.id,
      });
      expect(pushed.session).toMatchObject({ status: 'completed', error: null, transport: 'copy' });
      expect(pushed.session.counts).toMatchObject({ created: 60 + 240, failed: 0 });
      expect(await repositoryContent(b.t.database.db, pushed.session.remote_repository_id)).toEqual(
        await repositoryContent(a.t.database.db, seeded.id),
      );
      const answeredAt = new Map<number, number>();
      for (const event of events)
        if (event.kind === 'tasks answered') for (const task of event.tasks) answeredAt.set(task, event.at);
      const documents = events.filter((event) => event.kind === 'documents sent');
      expect(documents.length).toBeGreaterThan(1);
      // Never before the answer for any of its tasks ...
      for (const chunk of documents)
        for (const task of chunk.tasks) expect(answeredAt.get(task)!, `task ${task}`).toBeLessThan(chunk.at);
      // ... but not after all of them either: the first documents overlap the last tasks.
      const lastTasks = Math.max(
        ...events.filter((event) => event.kind === 'tasks answered').map((e) => e.at),
      );
      expect(documents[0]!.at).toBeLessThan(lastTasks);
    } finally {
      await stand.close();
    }
  });

  /**
   * A stand-in in front of B that takes `limit` bytes a request and answers repository-upsert
   * late, noting each documents request's size and documents; and A's COPY reads of documents,
   * how many ran at once, and whether the first came before the repository was answered.
   */
  async function limitedReceiver(limit: number) {
    const sent: { bytes: number; documents: number[] }[] = [];
    const events: string[] = [];
    const encodings = new Set<string | null>();
    const stand = await listen(async (request) => {
      encodings.add(request.headers.get('accept-encoding'));
      const { url, endpoint, body } = await received(request);
      if (endpoint === 'repository-upsert') await new Promise((resolve) => setTimeout(resolve, 300));
      if (endpoint === 'copy-upsert') events.push('copy-upsert sent');
      if (endpoint === 'copy-upsert' && body) {
        const newline = body.indexOf(10);
        const header = JSON.parse(body.subarray(0, newline).toString()) as CopyUpsertHeader;
        if (header.entity === 'documents')
          sent.push({
            bytes: body.byteLength,
            documents: body
              .subarray(newline + 1)
              .toString()
              .split('\n')
              .filter(Boolean)
              .map((line) => Number(line.split('\t')[0])),
          });
      }
      const answer = await forward(request, `${b.base}/${endpoint}${url.search}`, body);
      if (endpoint === 'repository-upsert') events.push('repository answered');
      const json = (await answer.json()) as { data: { capabilities?: Record<string, unknown> } };
      if (endpoint === 'ping')
        Object.assign(json.data.capabilities!, { max_batch_bytes: limit, max_batch_rows: 2000 });
      return Response.json(json, { status: answer.status });
    });
    const db = a.t.database.db;
    const copyOut = db.copyOut.bind(db);
    const reads = { documents: 0, mostAtOnce: 0 };
    let reading = 0;
    db.copyOut = async (select) => {
      if (/FROM documents d/.test(select)) reads.documents++;
      if (events.length === 0) events.push('first read');
      reads.mostAtOnce = Math.max(reads.mostAtOnce, ++reading);
      try {
        return await copyOut(select);
      } finally {
        reading--;
      }
    };
    await saveTarget(a, `${stand.url}/api/sync`, { token: await createPeerTokenOn(b) });
    /** Pushes `seeded` through the stand-in and checks that it landed whole, each document once. */
    const push = async (seeded: SeededRepository, rows: number) => {
      const pushed = await runSync(a, '/api/sync', {
        target_server: `${stand.url}/api/sync`,
        repository_id: seeded.id,
      });
      expect(pushed.session).toMatchObject({ status: 'completed', error: null, transport: 'copy' });
      expect(pushed.session.counts).toMatchObject({ created: rows, failed: 0 });
      expect(await repositoryContent(b.t.database.db, pushed.session.remote_repository_id)).toEqual(
        await repositoryContent(db, seeded.id),
      );
      expect(sent.flatMap((request) => request.documents).sort((x, y) => x - y)).toEqual(
        [...seeded.documentIds].sort((x, y) => x - y),
      );
      for (const request of sent) expect(request.bytes).toBeLessThanOrEqual(limit);
    };
    const close = async () => {
      db.copyOut = copyOut;
      await stand.close();
    };
    return { sent, events, encodings, reads, push, close };
  }

  it('cuts chunks of documents by their size, reads them one at a time, sends none before the repository, and asks for plain answers on loopback', async () => {
    // A receiver that takes 64 KiB a request and 2,000 rows: cut by rows alone, the chunk of all
    // 240 documents (~750 KiB) was read out of the database, found too large and read again as
    // halves, down to requests that fit. Its answer to repository-upsert comes late: rows are
    // read meanwhile, and sent after it.
    const limit = 64 * 1024;
    const receiver = await limitedReceiver(limit);
    try {
      await receiver.push(await seedRepository(a.t.database.db, 'sized', 30, 8, 3000), 30 + 240);
      // Requests not far below the limit either.
      const { sent } = receiver;
      const total = sent.reduce((sum, request) => sum + request.bytes, 0);
      expect(sent.length).toBeLessThanOrEqual(Math.ceil(total / (limit / 2)));
      // Each chunk read out of the database once, one read at a time, the first while the
      // repository was being upserted, and no rows sent before it was.
      expect(receiver.reads).toEqual({ documents: sent.length, mostAtOnce: 1 });
      expect(receiver.events.slice(0, 3)).toEqual(['first read', 'repository answered', 'copy-upsert sent']);
      // On loopback, answers are asked for as they are: gzipping them cost both sides CPU.
      expect([...receiver.encodings]).toEqual(['identity']);
    } finally {
      await receiver.close();
    }
  });

  it('halves a chunk whose COPY text comes out larger than its size foretold, and sends every document once', async () => {
    // Backslashes: each travels as two bytes of COPY text, so a chunk cut by the content's size
    // comes out at about twice the estimate, over the limit, and is read again as halves.
    const receiver = await limitedReceiver(64 * 1024);
    try {
      const seeded = await seedRepository(a.t.database.db, 'escaped', 30, 8, 10);
      await a.t.database.db.query(
        `UPDATE documents SET content = repeat(E'\\\\', 3000) || id WHERE repository_id = $1`,
        [seeded.id],
      );
      await receiver.push(seeded, 30 + 240);
      expect(receiver.reads.documents).toBeGreaterThan(receiver.sent.length);
      expect(receiver.reads.mostAtOnce).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it("fails with the repository upsert's own error when it is refused, and sends no rows it read meanwhile", async () => {
    // Rows are read while the repository is upserted; a refused upsert must end the push with
    // its answer, not with rows sent into a repository the receiver does not hold.
    const endpoints: string[] = [];
    const stand = await listen(async (request) => {
      const { url, endpoint, body } = await received(request);
      endpoints.push(endpoint);
      if (endpoint === 'repository-upsert') {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return Response.json(
          { code: 'FORBIDDEN', error: 'this token may not write repository 77' },
          { status: 403 },
        );
      }
      return forward(request, `${b.base}/${endpoint}${url.search}`, body);
    });
    try {
      await saveTarget(a, `${stand.url}/api/sync`, { token: await createPeerTokenOn(b) });
      const seeded = await seedRepository(a.t.database.db, 'refused', 30, 8, 300);
      const pushed = await runSync(a, '/api/sync', {
        target_server: `${stand.url}/api/sync`,
        repository_id: seeded.id,
      });
      expect(pushed.session.status).toBe('failed');
      expect(pushed.session.error).toMatch(/403.*this token may not write repository 77/);
      expect(endpoints).toContain('repository-upsert');
      expect(endpoints.filter((name) => name === 'copy-upsert' || name === 'batch-upsert')).toEqual([]);
    } finally {
      await stand.close();
    }
  });
});
