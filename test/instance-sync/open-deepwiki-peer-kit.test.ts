// Proves the real-openDeepWiki test kit before other suites lean on it: a peer starts, seeding
// through its own receiver endpoints lands exactly as specified (ids it assigned, run_after,
// usages, a regenerated document's version chain, Chinese text), and both ways of reading it
// back — the SQLite snapshot and the peer's own pull-export — agree with the seed.
import { beforeAll, describe, expect, it } from 'vitest';
import { OPEN_DEEPWIKI_SKIP_REASON, openDeepWikiPeerBinary } from '../support/open-deepwiki-peer.js';
import { useOpenDeepWikiPeers, type OpenDeepWikiPeer } from '../support/open-deepwiki-peer.js';
import {
  OPEN_DEEPWIKI_TIME,
  exportOpenDeepWikiRepository,
  pageSpec,
  regenerateOpenDeepWikiDocument,
  seedOpenDeepWikiRepository,
  type RegeneratedOpenDeepWikiDocument,
  type SeededOpenDeepWikiRepository,
} from '../support/open-deepwiki-seed.js';
import type { OpenDeepWikiRow, OpenDeepWikiSnapshot } from '../support/open-deepwiki-snapshot.js';

const available = openDeepWikiPeerBinary() !== null;
if (!available) console.warn(`open-deepwiki-peer-kit: ${OPEN_DEEPWIKI_SKIP_REASON}`);

const byId = (rows: OpenDeepWikiRow[], id: number) => rows.find((row) => row.id === id);

describe.skipIf(!available)('the openDeepWiki peer kit', () => {
  const startPeer = useOpenDeepWikiPeers();
  let peer: OpenDeepWikiPeer;
  let seeded: SeededOpenDeepWikiRepository;
  let regenerated: RegeneratedOpenDeepWikiDocument;
  let beforeRegeneration: OpenDeepWikiSnapshot;
  let after: OpenDeepWikiSnapshot;

  beforeAll(async () => {
    peer = await startPeer();
    seeded = await seedOpenDeepWikiRepository(peer, {
      repositoryId: 42,
      name: 'wiki-demo',
      tasks: [
        pageSpec('概述', '文档内容', {
          usages: [
            { apiKeyName: 'primary', promptTokens: 1200, completionTokens: 300, cachedTokens: 100 },
            {
              apiKeyName: 'fallback',
              promptTokens: 50,
              completionTokens: 7,
              reasoningTokens: 3,
              createdAt: '2026-02-10T05:00:00Z',
            },
          ],
        }),
        { title: 'Architecture', document: { title: '架构', content: '# 架构\n\n模块说明' }, runAfter: 0 },
      ],
    });
    beforeRegeneration = await peer.snapshot();
    regenerated = await regenerateOpenDeepWikiDocument(peer, 42, seeded.tasks[0]!.documentId, {
      content: '文档内容（第二版）',
    });
    after = await peer.snapshot();
  });

  it('answers ping with code OK and no data', async () => {
    const answer = await peer.call('ping');
    expect(answer).toMatchObject({ status: 200, json: { code: 'OK' } });
    expect(answer.json).not.toHaveProperty('data');
  });

  it('lets openDeepWiki assign task and document ids, and keeps the repository id it was sent', () => {
    expect(after.repositories.map((row) => [row.id, row.name])).toEqual([[42, 'wiki-demo']]);
    const [first, second] = seeded.tasks;
    expect(after.tasks.map((row) => row.id)).toEqual([first!.taskId, second!.taskId]);
    expect(new Set([first!.taskId, second!.taskId]).size).toBe(2);
    expect(after.documents.map((row) => row.id)).toEqual([
      first!.documentId,
      second!.documentId,
      regenerated.documentId,
    ]);
  });

  it('stores run_after as the other task id, and each task points at its latest document', () => {
    const [first, second] = seeded.tasks;
    expect(byId(after.tasks, second!.taskId)).toMatchObject({
      run_after: first!.taskId,
      doc_id: second!.documentId,
    });
    expect(byId(after.tasks, first!.taskId)).toMatchObject({ run_after: 0, doc_id: regenerated.documentId });
  });

  it('keeps both versions of a regenerated document, chained by replaced_by', () => {
    const first = seeded.tasks[0]!;
    expect(regenerated).toEqual({
      taskId: first.taskId,
      documentId: expect.any(Number),
      replacedDocumentId: first.documentId,
      version: 2,
    });
    expect(byId(after.documents, first.documentId)).toMatchObject({
      task_id: first.taskId,
      title: '概述',
      content: '文档内容',
      version: 1,
      is_latest: 0,
      replaced_by: regenerated.documentId,
    });
    expect(byId(after.documents, regenerated.documentId)).toMatchObject({
      task_id: first.taskId,
      title: '概述',
      content: '文档内容（第二版）',
      version: 2,
      is_latest: 1,
      replaced_by: 0,
    });
  });

  it('stores the usages of the task that had them, and times as sent', () => {
    const taskId = seeded.tasks[0]!.taskId;
    expect(after.task_usages.map(({ id: _id, ...usage }) => usage)).toEqual([
      {
        task_id: taskId,
        api_key_name: 'primary',
        prompt_tokens: 1200,
        completion_tokens: 300,
        total_tokens: 1500,
        cached_tokens: 100,
        reasoning_tokens: 0,
        created_at: '2026-02-10 12:00:00.123456789+08:00',
      },
      {
        task_id: taskId,
        api_key_name: 'fallback',
        prompt_tokens: 50,
        completion_tokens: 7,
        total_tokens: 57,
        cached_tokens: 0,
        reasoning_tokens: 3,
        created_at: '2026-02-10 05:00:00+00:00',
      },
    ]);
  });

  it('changes only the regenerated document chain and its task when a document is regenerated', () => {
    const [first, second] = seeded.tasks;
    expect(after.repositories).toEqual(beforeRegeneration.repositories);
    expect(after.task_usages).toEqual(beforeRegeneration.task_usages);
    expect(byId(after.tasks, second!.taskId)).toEqual(byId(beforeRegeneration.tasks, second!.taskId));
    expect(byId(after.documents, second!.documentId)).toEqual(
      byId(beforeRegeneration.documents, second!.documentId),
    );
    expect(byId(beforeRegeneration.documents, first!.documentId)).toMatchObject({
      is_latest: 1,
      replaced_by: 0,
    });
  });

  it('exports only the latest version of each document, with tasks and usages, as seeded', async () => {
    const [first, second] = seeded.tasks;
    const exported = await exportOpenDeepWikiRepository(peer, 42);
    expect(exported.repository).toMatchObject({
      repository_id: 42,
      name: 'wiki-demo',
      created_at: OPEN_DEEPWIKI_TIME,
    });
    expect(
      exported.tasks.map(({ task_id, doc_id, run_after, title }) => ({ task_id, doc_id, run_after, title })),
    ).toEqual([
      { task_id: first!.taskId, doc_id: regenerated.documentId, run_after: 0, title: '概述' },
      {
        task_id: second!.taskId,
        doc_id: second!.documentId,
        run_after: first!.taskId,
        title: 'Architecture',
      },
    ]);
    expect(
      exported.documents
        .map(({ document_id, task_id, title, content, version, is_latest }) => ({
          document_id,
          task_id,
          title,
          content,
          version,
          is_latest,
        }))
        .sort((a, b) => a.document_id - b.document_id),
    ).toEqual([
      {
        document_id: second!.documentId,
        task_id: second!.taskId,
        title: '架构',
        content: '# 架构\n\n模块说明',
        version: 1,
        is_latest: true,
      },
      {
        document_id: regenerated.documentId,
        task_id: first!.taskId,
        title: '概述',
        content: '文档内容（第二版）',
        version: 2,
        is_latest: true,
      },
    ]);
    expect(exported.task_usages.map((usage) => [usage.task_id, usage.api_key_name])).toEqual([
      [first!.taskId, 'primary'],
      [first!.taskId, 'fallback'],
    ]);
    expect(exported.task_usages[0]).toMatchObject({ created_at: OPEN_DEEPWIKI_TIME, total_tokens: 1500 });
  });
});
