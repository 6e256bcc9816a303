// Baseline (b): the per-document protocol as openDeepWiki's sender drives it. Per task,
// sequentially: task-create, document-create for each of its documents (newest version
// first, naming the receiver's task id and the receiver's id of the newer version), then
// task-update-docid. One keep-alive connection, no batching, no concurrency. Rows are read
// from the source database before the clock starts, so the figure is the transport alone.
import { openPostgres } from '../../apps/server/src/db/postgres-database.js';
import { lightClient } from '../lib/light-client.js';
import {
  documentWireRow,
  EXPORT_DOCUMENT_COLUMNS,
  EXPORT_TASK_COLUMNS,
  repositoryWireRow,
  taskWireRow,
} from '../../apps/server/src/instance-sync/wire/wire-rows.js';

export interface PerCallResult {
  ms: number;
  calls: number;
  tasks: number;
  documents: number;
}

export async function pushPerCallLikeOpenDeepWiki(
  sourceUrl: string,
  repositoryId: number,
  target: { url: string; token: string },
  limitTasks?: number,
): Promise<PerCallResult> {
  const db = openPostgres({ url: sourceUrl, maxConnections: 1 });
  let repository: Record<string, unknown>;
  let tasks: Record<string, unknown>[];
  let documents: Record<string, unknown>[];
  try {
    [repository] = (await db.query('SELECT * FROM repositories WHERE id = $1', [repositoryId])) as [
      Record<string, unknown>,
    ];
    tasks = (
      await db.query(
        `SELECT ${EXPORT_TASK_COLUMNS} FROM task_rows WHERE repository_id = $1 AND NOT deleted ORDER BY sort_order, id LIMIT $2`,
        [repositoryId, limitTasks ?? 2 ** 31 - 1],
      )
    ).map(taskWireRow);
    const taskIds = tasks.map((task) => task.task_id as number);
    documents = (
      await db.query(
        `SELECT ${EXPORT_DOCUMENT_COLUMNS} FROM document_rows WHERE task_id = ANY($1::bigint[]) AND NOT deleted`,
        [taskIds],
      )
    ).map(documentWireRow);
  } finally {
    await db.close();
  }
  const byTask = new Map<number, Record<string, unknown>[]>();
  for (const document of documents.sort((a, b) => (b.version as number) - (a.version as number))) {
    const list = byTask.get(document.task_id as number) ?? [];
    list.push(document);
    byTask.set(document.task_id as number, list);
  }

  const base = new URL(target.url);
  const http = lightClient(
    base.origin,
    { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    1,
  );
  let calls = 0;
  const post = async (endpoint: string, body: unknown) => {
    calls++;
    const response = await http.send('POST', `${base.pathname}/${endpoint}`, JSON.stringify(body));
    if (response.status >= 300)
      throw new Error(`${endpoint} answered ${response.status}: ${response.body.slice(0, 200)}`);
    return (JSON.parse(response.body) as { data: Record<string, unknown> }).data;
  };

  const start = performance.now();
  await post('repository-upsert', repositoryWireRow(repository));
  let sentDocuments = 0;
  for (const task of tasks) {
    const { doc_id: _docId, deleted: _deleted, ...taskBody } = task;
    const created = await post('task-create', taskBody);
    const remoteTaskId = created.task_id as number;
    const remoteDocumentIds = new Map<number, number>();
    for (const document of byTask.get(task.task_id as number) ?? []) {
      const { deleted: _gone, ...documentBody } = document;
      const replacedBy = document.replaced_by as number | null;
      const answer = await post('document-create', {
        ...documentBody,
        task_id: remoteTaskId,
        replaced_by: replacedBy === null ? null : (remoteDocumentIds.get(replacedBy) ?? null),
      });
      remoteDocumentIds.set(document.document_id as number, answer.document_id as number);
      sentDocuments++;
    }
    const current = task.doc_id === null ? undefined : remoteDocumentIds.get(task.doc_id as number);
    if (current !== undefined)
      await post('task-update-docid', { task_id: remoteTaskId, document_id: current });
  }
  const ms = performance.now() - start;
  http.close();
  return { ms, calls, tasks: tasks.length, documents: sentDocuments };
}
