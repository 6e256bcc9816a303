// Instance sync against the real openDeepWiki (its own sync code, ../shared/peers/opendeepwiki),
// in every direction: it pushes into us, we pull from it (twice, across a regenerated
// document), we push into one that holds other repositories with the same task and document
// numbers, it pulls from us, and a repository travels openDeepWiki -> us -> another
// openDeepWiki and arrives equal. Our server runs in-process on each database kind; the peers
// are real processes on loopback ports. PROTOCOL.md, "openDeepWiki's wire", says why each
// assertion matters.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTransaction } from '../../apps/server/src/db/database.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { runSync, saveTarget, usePeers, type Peer } from '../../apps/server/src/testing/peer-test-kit.js';
import { OPEN_DEEPWIKI_SKIP_REASON, openDeepWikiPeerBinary } from '../support/open-deepwiki-peer.js';
import { useOpenDeepWikiPeers, type OpenDeepWikiPeer } from '../support/open-deepwiki-peer.js';
import { pageSpec, regenerateOpenDeepWikiDocument } from '../support/open-deepwiki-seed.js';
import { seedOpenDeepWikiRepository } from '../support/open-deepwiki-seed.js';
import type { OpenDeepWikiRow, OpenDeepWikiSnapshot } from '../support/open-deepwiki-snapshot.js';

interface OpenDeepWikiStatus {
  sync_id: string;
  status: string;
  total_tasks: number;
  completed_tasks: number;
  failed_tasks: number;
}

/** Starts a push (`''`) or pull on the openDeepWiki peer and waits for its in-memory status to end. */
async function runOnOpenDeepWiki(
  peer: OpenDeepWikiPeer,
  mode: '' | 'pull',
  body: Record<string, unknown>,
): Promise<OpenDeepWikiStatus> {
  const response = await fetch(mode === '' ? peer.base : `${peer.base}/pull`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const started = (await response.json()) as { data?: OpenDeepWikiStatus; error?: string };
  if (!response.ok || !started.data) throw new Error(`openDeepWiki refused the sync: ${started.error}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await peer.post<OpenDeepWikiStatus>(`status/${started.data.sync_id}`, undefined);
    if (status.status !== 'in_progress') return status;
    if (Date.now() > deadline) throw new Error(`openDeepWiki's sync did not end: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A repository of an openDeepWiki snapshot, by content rather than ids: each task with the
 * title of the task it waits for and of its current document, each document version with the
 * version that replaced it, each task's usages. Two copies of one repository have equal shapes.
 */
function openDeepWikiShape(snapshot: OpenDeepWikiSnapshot, repositoryId: number) {
  const tasks = snapshot.tasks.filter((task) => task.repository_id === repositoryId);
  const documents = snapshot.documents.filter((document) => document.repository_id === repositoryId);
  const taskTitle = new Map(tasks.map((task) => [task.id, task.title]));
  const documentName = new Map(documents.map((d) => [d.id, `${String(d.title)} v${String(d.version)}`]));
  const repository = snapshot.repositories.find((row) => row.id === repositoryId);
  return {
    repository: repository && { name: repository.name, url: repository.url, status: repository.status },
    tasks: tasks
      .map((task) => ({
        title: task.title,
        status: task.status,
        sort_order: task.sort_order,
        outline: task.outline,
        run_after: task.run_after
          ? (taskTitle.get(task.run_after) ?? `missing ${String(task.run_after)}`)
          : null,
        doc: task.doc_id ? (documentName.get(task.doc_id) ?? `missing ${String(task.doc_id)}`) : null,
        usages: snapshot.task_usages
          .filter((usage) => usage.task_id === task.id)
          .map((usage) => [
            usage.api_key_name,
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens,
          ]),
      }))
      .sort((a, b) => String(a.title).localeCompare(String(b.title))),
    documents: documents
      .map((document) => ({
        name: documentName.get(document.id),
        task: taskTitle.get(document.task_id) ?? null,
        content: document.content,
        is_latest: Boolean(document.is_latest),
        replaced_by: document.replaced_by
          ? (documentName.get(document.replaced_by) ?? `missing ${String(document.replaced_by)}`)
          : null,
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
  };
}

/** The same shape of one of our repositories. */
async function ourShape(peer: Peer, repositoryId: number) {
  const db = peer.t.database.db;
  const tasks = await db.query(
    `SELECT t.title, t.status, t.sort_order, t.outline, a.title AS run_after, d.title AS doc_title, d.version AS doc_version,
            (SELECT coalesce(json_agg(json_build_array(u.api_key_name, u.prompt_tokens, u.completion_tokens, u.total_tokens) ORDER BY u.id), '[]')
               FROM task_usages u WHERE u.task_id = t.id) AS usages
       FROM tasks t LEFT JOIN tasks a ON a.uid = t.run_after_uid LEFT JOIN documents d ON d.uid = t.doc_uid
      WHERE t.repository_id = $1 AND NOT t.deleted ORDER BY t.title`,
    [repositoryId],
  );
  const documents = await db.query(
    `SELECT d.title, d.version, t.title AS task, d.content, d.is_latest, r.title AS replaced_title, r.version AS replaced_version
       FROM documents d LEFT JOIN tasks t ON t.id = d.task_id LEFT JOIN documents r ON r.uid = d.replaced_by_uid
      WHERE d.repository_id = $1 AND NOT d.deleted ORDER BY d.title, d.version`,
    [repositoryId],
  );
  const [repository] = await db.query('SELECT name, url, status FROM repositories WHERE id = $1', [
    repositoryId,
  ]);
  return {
    repository,
    tasks: tasks.map((task) => ({
      title: task.title,
      status: task.status,
      sort_order: Number(task.sort_order),
      outline: task.outline,
      run_after: task.run_after ?? null,
      doc: task.doc_title ? `${String(task.doc_title)} v${String(task.doc_version)}` : null,
      usages: (task.usages as unknown[][]).map((usage) =>
        usage.map((value) => (typeof value === 'string' ? value : Number(value))),
      ),
    })),
    documents: documents
      .map((document) => ({
        name: `${String(document.title)} v${String(document.version)}`,
        task: document.task ?? null,
        content: document.content,
        is_latest: Boolean(document.is_latest),
        replaced_by: document.replaced_title
          ? `${String(document.replaced_title)} v${String(document.replaced_version)}`
          : null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Rows of every repository but `except`, exactly as stored. */
function otherRows(snapshot: OpenDeepWikiSnapshot, except: number) {
  const keep = (row: OpenDeepWikiRow) => row.repository_id !== except;
  const taskIds = new Set(snapshot.tasks.filter(keep).map((task) => task.id));
  return {
    repositories: snapshot.repositories.filter((row) => row.id !== except),
    tasks: snapshot.tasks.filter(keep),
    documents: snapshot.documents.filter(keep),
    task_usages: snapshot.task_usages.filter((usage) => taskIds.has(usage.task_id)),
  };
}

/** A knowledge base as openDeepWiki writes one: Chinese text, a chain of tasks, usages. */
const WIKI = {
  name: '知识库-示例',
  tasks: [
    // The first task waits for the last: openDeepWiki sends run_after before that task exists here.
    pageSpec('概述', '# 概述\n\n这是一个示例仓库。', {
      usages: [
        { apiKeyName: 'deepseek', promptTokens: 1200, completionTokens: 800, cachedTokens: 100 },
        { apiKeyName: 'qwen', promptTokens: 300, completionTokens: 90, reasoningTokens: 40 },
      ],
      runAfter: 2,
    }),
    pageSpec('架构', '## 架构\n\n服务端与客户端。', {
      usages: [{ apiKeyName: 'deepseek', promptTokens: 50, completionTokens: 25 }],
      runAfter: 0,
    }),
    pageSpec('接口', '## 接口\n\n`GET /api`'),
  ],
};

describe.skipIf(!openDeepWikiPeerBinary())(
  `real openDeepWiki peer (${OPEN_DEEPWIKI_SKIP_REASON} when skipped)`,
  () => {
    describe.each(testDatabaseKinds())('on %s', (kind) => {
      // openDeepWiki sends no token: its address must be allowed, as an operator would set it.
      const [ours] = usePeers(kind, { allowTokenlessFrom: ['127.0.0.1'] });
      const openDeepWiki = useOpenDeepWikiPeers();
      let source: OpenDeepWikiPeer;
      let sourceRepositoryId: number;
      let pushedHere: number;

      beforeAll(async () => {
        source = await openDeepWiki();
        const seeded = await seedOpenDeepWikiRepository(source, { repositoryId: 7, ...WIKI });
        sourceRepositoryId = seeded.repositoryId;
        // A second version of the first page: the old one stays, replaced by the new one.
        await regenerateOpenDeepWikiDocument(source, sourceRepositoryId, seeded.tasks[0]!.documentId, {
          content: '# 概述\n\n这是一个示例仓库（第二版）。',
        });
      });

      it('1. openDeepWiki pushes into us: 0 failed tasks, every row, link and usage arrives', async () => {
        const status = await runOnOpenDeepWiki(source, '', {
          target_server: ours.base,
          repository_id: sourceRepositoryId,
        });
        expect(status).toMatchObject({
          status: 'completed',
          total_tasks: 3,
          completed_tasks: 3,
          failed_tasks: 0,
        });
        const [repository] = await ours.t.database.db.query<{ id: number }>(
          'SELECT id FROM repositories WHERE name = $1',
          [WIKI.name],
        );
        pushedHere = Number(repository!.id);
        const expected = openDeepWikiShape(await source.snapshot(), sourceRepositoryId);
        expect(await ourShape(ours, pushedHere)).toEqual(expected);
        expect(expected.documents.filter((document) => !document.is_latest)).toHaveLength(1);
        expect(expected.tasks.find((task) => task.title === '概述')).toMatchObject({
          run_after: '接口',
          doc: '概述 v2',
          usages: [
            ['deepseek', 1200, 800, 2000],
            ['qwen', 300, 90, 390],
          ],
        });

        // Pushed again, openDeepWiki updates the same rows here instead of adding copies.
        const again = await runOnOpenDeepWiki(source, '', {
          target_server: ours.base,
          repository_id: sourceRepositoryId,
        });
        expect(again).toMatchObject({ status: 'completed', failed_tasks: 0 });
        const [counts] = await ours.t.database.db.query(
          `SELECT (SELECT count(*)::int FROM repositories WHERE name = $1) AS repositories,
                (SELECT count(*)::int FROM tasks WHERE repository_id = $2) AS tasks,
                (SELECT count(*)::int FROM documents WHERE repository_id = $2) AS documents,
                (SELECT count(*)::int FROM task_usages u JOIN tasks t ON t.id = u.task_id WHERE t.repository_id = $2) AS usages`,
          [WIKI.name, pushedHere],
        );
        expect(counts).toEqual({ repositories: 1, tasks: 3, documents: 4, usages: 3 });
      });

      it('2. we pull from openDeepWiki twice across a regenerated document: both versions, linked, one copy', async () => {
        const odw = await openDeepWiki();
        const seeded = await seedOpenDeepWikiRepository(odw, {
          repositoryId: 3,
          name: '拉取示例',
          tasks: WIKI.tasks,
        });
        await saveTarget(ours, odw.base);
        const first = await runSync(ours, '/api/sync/pull', { target_server: odw.base, repository_id: 3 });
        expect(first.session).toMatchObject({ status: 'completed', failed_tasks: 0, total_tasks: 3 });
        const localId = Number(first.session.repository_id);
        expect(await ourShape(ours, localId)).toEqual(openDeepWikiShape(await odw.snapshot(), 3));

        await regenerateOpenDeepWikiDocument(odw, 3, seeded.tasks[1]!.documentId, {
          content: '## 架构\n\n重新生成的内容。',
        });
        const second = await runSync(ours, '/api/sync/pull', { target_server: odw.base, repository_id: 3 });
        expect(second.session).toMatchObject({ status: 'completed', failed_tasks: 0 });
        expect(second.session.counts.deleted).toBe(0);
        expect(second.session.repository_id).toBe(localId);
        const shape = await ourShape(ours, localId);
        // openDeepWiki exports only latest versions; ours keeps the older one, linked to the new.
        expect(shape.documents.filter((document) => document.task === '架构')).toEqual([
          {
            name: '架构 v1',
            task: '架构',
            content: '## 架构\n\n服务端与客户端。',
            is_latest: false,
            replaced_by: '架构 v2',
          },
          {
            name: '架构 v2',
            task: '架构',
            content: '## 架构\n\n重新生成的内容。',
            is_latest: true,
            replaced_by: null,
          },
        ]);
        expect(shape.tasks.find((task) => task.title === '架构')).toMatchObject({
          doc: '架构 v2',
          run_after: '概述',
        });
        const [copies] = await ours.t.database.db.query(
          'SELECT count(*)::int AS n FROM repositories WHERE name = $1 AND NOT deleted',
          ['拉取示例'],
        );
        expect(copies).toEqual({ n: 1 });
      });

      it('3. we push into an openDeepWiki holding other repositories with the same numbers: none of its rows change', async () => {
        const target = await openDeepWiki();
        // Its own repositories 50 and 51 own task and document ids 1.. as ours do.
        await seedOpenDeepWikiRepository(target, { repositoryId: 50, name: '他人的仓库', tasks: WIKI.tasks });
        await seedOpenDeepWikiRepository(target, {
          repositoryId: 51,
          name: '另一个仓库',
          tasks: [pageSpec('说明', '别动我')],
        });
        const before = await target.snapshot();
        expect(before.tasks.map((task) => task.id)).toContain(1);
        await saveTarget(ours, target.base);

        const pushed = await runSync(ours, '/api/sync', {
          target_server: target.base,
          repository_id: pushedHere,
        });
        expect(pushed.session).toMatchObject({ status: 'completed', failed_tasks: 0, completed_tasks: 3 });
        const after = await target.snapshot();
        expect(otherRows(after, pushedHere)).toEqual(otherRows(before, pushedHere));
        expect(openDeepWikiShape(after, pushedHere)).toEqual(await ourShape(ours, pushedHere));

        // An edit here travels to the same rows there.
        await writeTransaction(ours.t.database.db, (tx) =>
          tx.query(
            `UPDATE documents SET content = '# 概述\n\n已编辑。' WHERE repository_id = $1 AND is_latest AND title = '概述'`,
            [pushedHere],
          ),
        );
        const again = await runSync(ours, '/api/sync', {
          target_server: target.base,
          repository_id: pushedHere,
        });
        expect(again.session).toMatchObject({ status: 'completed', failed_tasks: 0 });
        const edited = await target.snapshot();
        expect(edited.tasks.length).toBe(after.tasks.length);
        expect(edited.documents.length).toBe(after.documents.length);
        expect(
          edited.documents.find((d) => d.repository_id === pushedHere && d.title === '概述' && d.is_latest),
        ).toMatchObject({
          content: '# 概述\n\n已编辑。',
        });
        expect(otherRows(edited, pushedHere)).toEqual(otherRows(before, pushedHere));

        // A repository whose id is taken there by one we never sent: refused, nothing written.
        const clash = await openDeepWiki();
        await seedOpenDeepWikiRepository(clash, {
          repositoryId: pushedHere,
          name: '占用此编号的仓库',
          tasks: [pageSpec('占位', '不能被覆盖')],
        });
        const untouched = await clash.snapshot();
        await saveTarget(ours, clash.base);
        const refused = await runSync(ours, '/api/sync', {
          target_server: clash.base,
          repository_id: pushedHere,
        });
        expect(refused.session.status).toBe('failed');
        expect(refused.session.error).toContain('占用此编号的仓库');
        expect(refused.session.error).toContain(WIKI.name);
        expect(refused.session.error).toMatch(/Nothing was written/);
        expect(await clash.snapshot()).toEqual(untouched);
      });

      it('4. openDeepWiki pulls from us', async () => {
        const puller = await openDeepWiki();
        const status = await runOnOpenDeepWiki(puller, 'pull', {
          target_server: ours.base,
          repository_id: pushedHere,
        });
        expect(status).toMatchObject({ status: 'completed', failed_tasks: 0, total_tasks: 3 });
        const pulled = openDeepWikiShape(await puller.snapshot(), pushedHere);
        const here = await ourShape(ours, pushedHere);
        // openDeepWiki's puller copies what our export carries: every task, version and usage.
        expect(pulled.tasks).toEqual(here.tasks);
        expect(pulled.documents.map((document) => document.name)).toEqual(here.documents.map((d) => d.name));
      });

      it('5. openDeepWiki -> us -> another openDeepWiki: the last copy equals the first', async () => {
        const last = await openDeepWiki();
        await saveTarget(ours, last.base);
        // The repository openDeepWiki pushed into us in step 1, as it is there now.
        const first = await openDeepWiki();
        const seeded = await seedOpenDeepWikiRepository(first, {
          repositoryId: 9,
          name: '链式复制',
          tasks: WIKI.tasks,
        });
        await regenerateOpenDeepWikiDocument(first, 9, seeded.tasks[2]!.documentId, {
          content: '## 接口\n\n第二版',
        });
        expect(
          await runOnOpenDeepWiki(first, '', { target_server: ours.base, repository_id: 9 }),
        ).toMatchObject({
          status: 'completed',
          failed_tasks: 0,
        });
        const [middle] = await ours.t.database.db.query<{ id: number }>(
          'SELECT id FROM repositories WHERE name = $1',
          ['链式复制'],
        );
        const pushed = await runSync(ours, '/api/sync', {
          target_server: last.base,
          repository_id: Number(middle!.id),
        });
        expect(pushed.session).toMatchObject({ status: 'completed', failed_tasks: 0 });
        const original = openDeepWikiShape(await first.snapshot(), 9);
        const copy = openDeepWikiShape(await last.snapshot(), Number(middle!.id));
        expect(copy).toEqual(original);
        expect(copy.documents).toHaveLength(4);
      });
    });
  },
);
