// The per-call push, as openDeepWiki's sender does it: per task task-create (without its
// document), document-create for each of its documents with the receiver's task id, then
// task-update-docid. The receiver's ids come from its answers and from sync_sent_map.
import { documentCreateResponseSchema, taskCreateResponseSchema } from '@wikisync/shared';
import { lookupSent, saveSent } from './id-map.js';
import { loadDocuments, loadTasks } from './push-plan.js';
import type { ItemRecord } from './session-store.js';
import { UnitProgress } from './unit-progress.js';
import { documentWireRow } from './wire-rows.js';
import { checkCancelled, isFatal, now, type PushContext, type PushResult } from './push-context.js';

export async function pushPerCall(ctx: PushContext, repositoryId: number): Promise<PushResult> {
  const { client, tracker, plan, db } = ctx;
  tracker.meta.transport = 'per-call';
  const sentTasks = await lookupSent(db, ctx.targetId, 'task', plan.touchedTaskIds);
  const changed = new Set(plan.changedTasks.map((task) => Number(task.task_id)));
  // Tasks reached only through a changed document travel again when we lack their receiver id.
  const needed = plan.touchedTaskIds.filter((id) => !changed.has(id) && !sentTasks.has(id));
  const tasks = [...plan.changedTasks, ...(await loadTasks(db, needed))];
  const sends = new Set(tasks.map((task) => Number(task.task_id)));
  const units = new UnitProgress(tracker, {
    taskIds: plan.touchedTaskIds,
    sendsTask: (id) => sends.has(id),
    documentTaskIds: plan.documents.map((d) => d.taskId),
  });
  const documentsByTask = new Map<number | null, typeof plan.documents>();
  // Newest version first, so a replaced_by target exists on the receiver before its older versions.
  for (const document of [...plan.documents].sort((a, b) => b.version - a.version || a.id - b.id)) {
    const list = documentsByTask.get(document.taskId) ?? [];
    list.push(document);
    documentsByTask.set(document.taskId, list);
  }
  const sentDocuments = await lookupSent(
    db,
    ctx.targetId,
    'document',
    plan.documents.flatMap((d) => (d.replacedBy === null ? [] : [d.replacedBy])),
  );
  let failures = 0;
  let index = 0;
  const taskRows = new Map(tasks.map((task) => [Number(task.task_id), task]));
  const orderedTasks: (number | null)[] = [
    ...tasks.map((task) => Number(task.task_id)),
    ...plan.touchedTaskIds.filter((id) => !taskRows.has(id)).sort((a, b) => a - b),
  ];
  if (documentsByTask.has(null)) orderedTasks.push(null);
  for (const taskId of orderedTasks) {
    checkCancelled(ctx.signal);
    index++;
    const task = taskId === null ? undefined : taskRows.get(taskId);
    tracker.currentTask = `Task ${index} of ${orderedTasks.length}${task ? `: ${String(task.title)}` : ''}`;
    let remoteTaskId: number | null = taskId === null ? null : (sentTasks.get(taskId) ?? null);
    const documents = documentsByTask.get(taskId) ?? [];
    /** Records one row's outcome and counts it toward its task's progress unit. */
    const settle = (item: ItemRecord) => {
      tracker.record(item);
      units.done(taskId, item.status !== 'failed');
    };
    if (task) {
      const startedAt = now();
      if (task.deleted) {
        // openDeepWiki has no endpoint to delete with; the row is reported, not lost silently.
        settle({
          entity: 'task',
          title: String(task.title),
          status: 'skipped',
          sourceId: taskId,
          targetId: remoteTaskId,
          error: 'deleted here; this peer has no way to receive deletions',
          startedAt,
        });
      } else {
        try {
          const { deleted: _deleted, doc_id: _docId, ...body } = task;
          const answer = taskCreateResponseSchema.parse(
            await client.post('task-create', { ...body, repository_id: repositoryId }),
          );
          remoteTaskId = answer.task_id;
          sentTasks.set(taskId!, remoteTaskId);
          await saveSent(db, ctx.targetId, 'task', [{ localId: taskId!, remoteId: remoteTaskId }]);
          settle({
            entity: 'task',
            title: String(task.title),
            status: 'updated',
            sourceId: taskId,
            targetId: remoteTaskId,
            error: null,
            startedAt,
          });
        } catch (error) {
          if (isFatal(error)) throw error;
          failures++;
          settle({
            entity: 'task',
            title: String(task.title),
            status: 'failed',
            sourceId: taskId,
            targetId: null,
            error: (error as Error).message,
            startedAt,
          });
          for (const document of documents) {
            settle({
              entity: 'document',
              title: document.title,
              status: 'failed',
              sourceId: document.id,
              targetId: null,
              error: 'its task could not be copied',
              startedAt,
            });
          }
          continue;
        }
      }
    }
    const rows = new Map(
      (
        await loadDocuments(
          db,
          documents.map((d) => d.id),
        )
      ).map((row) => [Number(row.id), documentWireRow(row)]),
    );
    for (const document of documents) {
      checkCancelled(ctx.signal);
      const startedAt = now();
      const row = rows.get(document.id);
      if (!row || document.deleted) {
        settle({
          entity: 'document',
          title: document.title,
          status: 'skipped',
          sourceId: document.id,
          targetId: null,
          error: 'deleted here; this peer has no way to receive deletions',
          startedAt,
        });
        continue;
      }
      try {
        const { deleted: _deleted, ...body } = row;
        const replacedBy =
          document.replacedBy === null ? null : (sentDocuments.get(document.replacedBy) ?? null);
        const answer = documentCreateResponseSchema.parse(
          await client.post('document-create', {
            ...body,
            repository_id: repositoryId,
            task_id: remoteTaskId,
            replaced_by: replacedBy,
          }),
        );
        sentDocuments.set(document.id, answer.document_id);
        await saveSent(db, ctx.targetId, 'document', [
          { localId: document.id, remoteId: answer.document_id },
        ]);
        settle({
          entity: 'document',
          title: document.title,
          status: 'updated',
          sourceId: document.id,
          targetId: answer.document_id,
          error: null,
          startedAt,
        });
      } catch (error) {
        if (isFatal(error)) throw error;
        failures++;
        settle({
          entity: 'document',
          title: document.title,
          status: 'failed',
          sourceId: document.id,
          targetId: null,
          error: (error as Error).message,
          startedAt,
        });
      }
    }
    const docId = task?.doc_id;
    if (task && !task.deleted && remoteTaskId !== null && typeof docId === 'number') {
      const remoteDocId =
        sentDocuments.get(docId) ?? (await lookupSent(db, ctx.targetId, 'document', [docId])).get(docId);
      if (remoteDocId !== undefined) {
        try {
          await client.post('task-update-docid', { task_id: remoteTaskId, document_id: remoteDocId });
        } catch (error) {
          if (isFatal(error)) throw error;
          failures++;
          tracker.record({
            entity: 'task',
            title: String(task.title),
            status: 'failed',
            sourceId: taskId,
            targetId: remoteTaskId,
            error: `task-update-docid: ${(error as Error).message}`,
            startedAt: now(),
          });
        }
      }
    }
  }
  return { failures };
}
