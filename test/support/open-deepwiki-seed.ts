// Fills a real openDeepWiki peer (see open-deepwiki-peer.ts) through its own receiver
// endpoints, in the order and shape its own sender uses (see docs/PROTOCOL.md, "openDeepWiki's
// wire, as its code really behaves"), so a seeded peer holds exactly what an openDeepWiki that
// received a push would hold; and reads it back, or regenerates a document, the same way.
import type { OpenDeepWikiPeer } from './open-deepwiki-peer.js';

/** A time as openDeepWiki writes it: nanoseconds and its server's +08:00 offset. */
export const OPEN_DEEPWIKI_TIME = '2026-02-10T12:00:00.123456789+08:00';
/** A plain UTC time, the other shape a peer meets. */
export const UTC_TIME = '2026-02-10T04:30:00Z';

/** One row of a task's LLM token use. */
export interface OpenDeepWikiUsageSpec {
  apiKeyName: string;
  promptTokens: number;
  completionTokens: number;
  cachedTokens?: number;
  reasoningTokens?: number;
  /** RFC 3339; OPEN_DEEPWIKI_TIME when absent. */
  createdAt?: string;
}

export interface OpenDeepWikiTaskSpec {
  title: string;
  /** The task's one document, seeded as version 1 and latest. */
  document: { title: string; content: string; filename?: string };
  usages?: OpenDeepWikiUsageSpec[];
  /** Index, in the spec's `tasks`, of the task that must finish first. */
  runAfter?: number;
}

/** A task and its one document under the same title, as openDeepWiki's writers leave most. */
export function pageSpec(
  title: string,
  content: string,
  more: Omit<Partial<OpenDeepWikiTaskSpec>, 'title' | 'document'> = {},
): OpenDeepWikiTaskSpec {
  return { title, document: { title, content }, ...more };
}

export interface OpenDeepWikiRepositorySpec {
  /** Taken by openDeepWiki as its own key, so it is also the repository's id there. */
  repositoryId: number;
  name: string;
  tasks: OpenDeepWikiTaskSpec[];
}

/** The ids openDeepWiki assigned, in the order of the spec's tasks. */
export interface SeededOpenDeepWikiRepository {
  repositoryId: number;
  tasks: { taskId: number; documentId: number }[];
}

/** A document as `pull-export` carries it, which is also the shape `document-create` takes. */
export interface OpenDeepWikiExportedDocument {
  document_id: number;
  repository_id: number;
  task_id: number;
  title: string;
  filename: string;
  content: string;
  sort_order: number;
  version: number;
  is_latest: boolean;
  replaced_by: number;
  created_at: string;
  updated_at: string;
}

/** `pull-export`'s `data`, typed as far as the tests read it. */
export interface OpenDeepWikiExport {
  repository: { repository_id: number; name: string } & Record<string, unknown>;
  tasks: ({ task_id: number; doc_id: number; run_after: number; title: string } & Record<string, unknown>)[];
  documents: OpenDeepWikiExportedDocument[];
  task_usages: ({ id: number; task_id: number; api_key_name: string } & Record<string, unknown>)[];
}

// Alternating the two time shapes makes a test meet both, row by row.
const timeFor = (index: number) => (index % 2 === 0 ? OPEN_DEEPWIKI_TIME : UTC_TIME);

function taskBody(repositoryId: number, spec: OpenDeepWikiTaskSpec, index: number) {
  return {
    task_id: 0,
    repository_id: repositoryId,
    doc_id: 0,
    writer_name: 'DefaultWriter',
    task_type: 'DocWrite',
    title: spec.title,
    outline: `${spec.title} outline`,
    status: 'succeeded',
    run_after: 0,
    error_msg: '',
    sort_order: index + 1,
    started_at: timeFor(index),
    completed_at: timeFor(index + 1),
    created_at: timeFor(index),
    updated_at: timeFor(index + 1),
  };
}

/**
 * Creates a repository with its tasks, documents and usages through the peer's receiver
 * endpoints, in its own sender's order: repository-upsert, then per task task-create (id 0, so
 * the peer assigns it), document-create, task-update-docid, task-usage-create; `runAfter` last,
 * as a task-create re-sent with the task's id once every task has one.
 */
export async function seedOpenDeepWikiRepository(
  peer: OpenDeepWikiPeer,
  spec: OpenDeepWikiRepositorySpec,
): Promise<SeededOpenDeepWikiRepository> {
  const repositoryId = spec.repositoryId;
  await peer.post('repository-upsert', {
    repository_id: repositoryId,
    name: spec.name,
    url: `https://github.com/example/${spec.name}`,
    description: `${spec.name} description`,
    clone_branch: 'main',
    clone_commit_id: '0123456789abcdef0123456789abcdef01234567',
    size_mb: 1.5,
    status: 'completed',
    error_msg: '',
    created_at: OPEN_DEEPWIKI_TIME,
    updated_at: UTC_TIME,
  });
  const tasks: SeededOpenDeepWikiRepository['tasks'] = [];
  for (const [index, taskSpec] of spec.tasks.entries()) {
    const { task_id: taskId } = await peer.post<{ task_id: number }>(
      'task-create',
      taskBody(repositoryId, taskSpec, index),
    );
    const { document_id: documentId } = await peer.post<{ document_id: number }>('document-create', {
      document_id: 0,
      repository_id: repositoryId,
      task_id: taskId,
      title: taskSpec.document.title,
      filename: taskSpec.document.filename ?? `${String(index + 1).padStart(2, '0')}.md`,
      content: taskSpec.document.content,
      sort_order: index + 1,
      version: 1,
      is_latest: true,
      replaced_by: 0,
      created_at: timeFor(index),
      updated_at: timeFor(index + 1),
    });
    await peer.post('task-update-docid', { task_id: taskId, document_id: documentId });
    if (taskSpec.usages?.length) {
      await peer.post('task-usage-create', {
        task_id: taskId,
        task_usages: taskSpec.usages.map((usage) => ({
          id: 0,
          task_id: taskId,
          api_key_name: usage.apiKeyName,
          prompt_tokens: usage.promptTokens,
          completion_tokens: usage.completionTokens,
          total_tokens: usage.promptTokens + usage.completionTokens,
          cached_tokens: usage.cachedTokens ?? 0,
          reasoning_tokens: usage.reasoningTokens ?? 0,
          created_at: usage.createdAt ?? OPEN_DEEPWIKI_TIME,
        })),
      });
    }
    tasks.push({ taskId, documentId });
  }
  for (const [index, taskSpec] of spec.tasks.entries()) {
    if (taskSpec.runAfter === undefined) continue;
    const before = tasks[taskSpec.runAfter];
    const own = tasks[index];
    if (!before || !own) throw new Error(`task ${index}: runAfter ${taskSpec.runAfter} is not a task index`);
    // task-create overwrites the whole row, so the re-send carries the doc_id it already has.
    await peer.post('task-create', {
      ...taskBody(repositoryId, taskSpec, index),
      task_id: own.taskId,
      doc_id: own.documentId,
      run_after: before.taskId,
    });
  }
  return { repositoryId, tasks };
}

/** Reads `pull-export` for a repository: the latest version of each document, and usages. */
export function exportOpenDeepWikiRepository(
  peer: OpenDeepWikiPeer,
  repositoryId: number,
): Promise<OpenDeepWikiExport> {
  return peer.post<OpenDeepWikiExport>('pull-export', { repository_id: repositoryId });
}

export interface OpenDeepWikiRegeneration {
  /** The new version's title and content; the old one's when absent. */
  title?: string;
  content?: string;
  /** RFC 3339 creation time of the new version; UTC_TIME when absent. */
  createdAt?: string;
}

export interface RegeneratedOpenDeepWikiDocument {
  taskId: number;
  /** The new, latest version's id (assigned by the peer). */
  documentId: number;
  /** The old version's id, now `is_latest: false, replaced_by: documentId`. */
  replacedDocumentId: number;
  version: number;
}

/**
 * Regenerates a task's latest document the way openDeepWiki does: a new version (old + 1,
 * latest) for the same task, the old one re-sent under its own id as no longer latest and
 * replaced by the new one, then the task pointed at the new one.
 */
export async function regenerateOpenDeepWikiDocument(
  peer: OpenDeepWikiPeer,
  repositoryId: number,
  documentId: number,
  changes: OpenDeepWikiRegeneration = {},
): Promise<RegeneratedOpenDeepWikiDocument> {
  const exported = await exportOpenDeepWikiRepository(peer, repositoryId);
  const old = exported.documents.find((document) => document.document_id === documentId);
  if (!old) throw new Error(`document ${documentId} is not a latest document of repository ${repositoryId}`);
  const createdAt = changes.createdAt ?? UTC_TIME;
  const version = old.version + 1;
  const { document_id: newId } = await peer.post<{ document_id: number }>('document-create', {
    ...old,
    document_id: 0,
    title: changes.title ?? old.title,
    content: changes.content ?? old.content,
    version,
    is_latest: true,
    replaced_by: 0,
    created_at: createdAt,
    updated_at: createdAt,
  });
  await peer.post('document-create', { ...old, is_latest: false, replaced_by: newId });
  await peer.post('task-update-docid', { task_id: old.task_id, document_id: newId });
  return { taskId: old.task_id, documentId: newId, replacedDocumentId: documentId, version };
}
