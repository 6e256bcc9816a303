// The per-call push into an openDeepWiki receiver, in its own sender's order: per task
// task-create (without its document), document-create for each of its documents (newest
// version first) with the receiver's task id, task-update-docid, then task-usage-create.
//
// An openDeepWiki receiver keys rows by the ids it is sent and overwrites whatever row has
// that id, even one of another repository (PROTOCOL.md, openDeepWiki's wire, 5). So every id
// we send is one it gave us: `task_id`/`document_id` 0 until it answered with its own (kept in
// sync_sent_map, or known from an earlier pull from it), and the references `doc_id`,
// `run_after` and `replaced_by` are its ids of the rows they name, 0 when it has none yet.
// Tasks go in `run_after` order so the task waited for is there first; a reference still
// unknown when its row is sent (a failed target, a cycle) is sent again once it is known.
import { loadTaskUsages } from '../../../tasks/task-usage-store.js';
import { lookupSentOrPulled, saveSent } from '../../wire/id-map.js';
import { loadDocuments, loadTasks, type PlannedDocument } from './push-plan.js';
import type { ItemRecord } from '../session-items.js';
import { UnitProgress } from './unit-progress.js';
import { documentWireRow, usageWireRow, type WireRow } from '../../wire/wire-rows.js';
import { checkCancelled, isFatal, now, type PushContext, type PushResult } from './push-context.js';

const NO_DELETIONS = 'deleted here; openDeepWiki has no way to receive deletions';
const NO_TASK = 'openDeepWiki cannot take a document without a task (its document-create requires task_id)';

/** Tasks ordered so that each comes after the task it waits for (`run_after`), then as given. */
export function runAfterOrder(tasks: readonly WireRow[]): WireRow[] {
  const byId = new Map(tasks.map((task) => [Number(task.task_id), task]));
  const placed = new Set<number>();
  const ordered: WireRow[] = [];
  const place = (task: WireRow, path: Set<number>) => {
    const id = Number(task.task_id);
    if (placed.has(id) || path.has(id)) return; // a cycle is broken where it closes
    path.add(id);
    const before = byId.get(Number(task.run_after));
    if (before) place(before, path);
    placed.add(id);
    ordered.push(task);
  };
  for (const task of tasks) place(task, new Set());
  return ordered;
}

export async function pushPerCall(ctx: PushContext, remoteRepositoryId: number): Promise<PushResult> {
  const { client, tracker, plan, db } = ctx;
  tracker.meta.transport = 'per-call';
  const known = (entity: 'task' | 'document', ids: number[]) =>
    lookupSentOrPulled(db, ctx.targetId, ctx.peerKey, entity, ids);
  const sentTasks = await known('task', plan.touchedTaskIds);
  const changed = new Set(plan.changedTasks.map((task) => task.id));
  // Tasks reached only through a changed document travel again when we lack their receiver id.
  const needed = plan.touchedTaskIds.filter((id) => !changed.has(id) && !sentTasks.has(id));
  const tasks = runAfterOrder([...(await loadTasks(db, [...changed])), ...(await loadTasks(db, needed))]);
  for (const [local, remote] of await known(
    'task',
    tasks.map((task) => Number(task.run_after)).filter((id) => id > 0),
  ))
    sentTasks.set(local, remote);
  const sends = new Set(tasks.map((task) => Number(task.task_id)));
  const units = new UnitProgress(tracker, {
    taskIds: plan.touchedTaskIds,
    sendsTask: (id) => sends.has(id),
    documentTaskIds: plan.documents.map((d) => d.taskId),
  });
  let failures = 0;
  /** Records one row's outcome and counts it toward its task's progress unit. */
  const settle = (taskId: number | null, item: ItemRecord) => {
    tracker.record(item);
    units.done(taskId, item.status !== 'failed');
  };

  // Shown before anything is sent: what openDeepWiki cannot hold at all.
  const orphans = plan.documents.filter((document) => document.taskId === null);
  if (orphans.length > 0) tracker.currentTask = `${orphans.length} document(s) without a task are skipped`;
  for (const document of orphans)
    settle(null, {
      entity: 'document',
      title: document.title,
      status: 'skipped',
      sourceId: document.id,
      targetId: null,
      error: NO_TASK,
      startedAt: now(),
    });

  const documentsByTask = new Map<number, PlannedDocument[]>();
  // Newest version first, so a replaced_by target exists on the receiver before its older versions.
  for (const document of [...plan.documents].sort((a, b) => b.version - a.version || b.id - a.id)) {
    if (document.taskId === null) continue;
    const list = documentsByTask.get(document.taskId) ?? [];
    list.push(document);
    documentsByTask.set(document.taskId, list);
  }
  const sentDocuments = await known('document', [
    ...plan.documents.map((d) => d.id),
    ...plan.documents.flatMap((d) => (d.replacedBy === null ? [] : [d.replacedBy])),
    ...tasks.flatMap((task) => (Number(task.doc_id) > 0 ? [Number(task.doc_id)] : [])),
  ]);
  const usages = await loadTaskUsages(
    db,
    tasks.filter((task) => !task.deleted).map((task) => Number(task.task_id)),
  );
  const remoteOf = (map: Map<number, number>, localId: unknown) => map.get(Number(localId)) ?? 0;
  const taskBody = (task: WireRow) => {
    const { deleted: _deleted, ...fields } = task;
    return {
      ...fields,
      task_id: remoteOf(sentTasks, task.task_id),
      repository_id: remoteRepositoryId,
      doc_id: remoteOf(sentDocuments, task.doc_id),
      run_after: remoteOf(sentTasks, task.run_after),
    };
  };
  const documentBody = (row: WireRow, remoteTaskId: number) => {
    const { deleted: _deleted, ...fields } = row;
    return {
      ...fields,
      document_id: remoteOf(sentDocuments, row.document_id),
      repository_id: remoteRepositoryId,
      task_id: remoteTaskId,
      replaced_by: remoteOf(sentDocuments, row.replaced_by),
    };
  };
  // Rows sent while a reference of theirs was not known yet: sent again at the end.
  const resendTasks: WireRow[] = [];
  const resendDocuments: { row: WireRow; remoteTaskId: number }[] = [];

  const taskRows = new Map(tasks.map((task) => [Number(task.task_id), task]));
  const orderedTasks = [
    ...tasks.map((task) => Number(task.task_id)),
    ...plan.touchedTaskIds.filter((id) => !taskRows.has(id)).sort((a, b) => a - b),
  ];
  for (const [index, taskId] of orderedTasks.entries()) {
    checkCancelled(ctx.signal);
    const task = taskRows.get(taskId);
    tracker.currentTask = `Task ${index + 1} of ${orderedTasks.length}${task ? `: ${String(task.title)}` : ''}`;
    let remoteTaskId = sentTasks.get(taskId) ?? null;
    const documents = documentsByTask.get(taskId) ?? [];
    // The task's own piece of its progress unit: settled once every call for it is done.
    let taskOk = true;
    const failTask = (error: unknown, what: string) => {
      if (isFatal(error)) throw error;
      failures++;
      taskOk = false;
      tracker.record({
        entity: 'task',
        title: String(task?.title ?? ''),
        status: 'failed',
        sourceId: taskId,
        targetId: remoteTaskId,
        error: `${what}${(error as Error).message}`,
        startedAt: now(),
      });
    };
    if (task?.deleted) {
      // openDeepWiki has no endpoint to delete with; the row is reported, not lost silently.
      tracker.record({
        entity: 'task',
        title: String(task.title),
        status: 'skipped',
        sourceId: taskId,
        targetId: remoteTaskId,
        error: NO_DELETIONS,
        startedAt: now(),
      });
    } else if (task) {
      const startedAt = now();
      try {
        const body = taskBody(task);
        const answer = await client.call('task-create', body);
        remoteTaskId = answer.task_id;
        sentTasks.set(taskId, remoteTaskId);
        await saveSent(db, ctx.targetId, 'task', [{ localId: taskId, remoteId: remoteTaskId }]);
        if (Number(task.run_after) > 0 && body.run_after === 0) resendTasks.push(task);
        tracker.record({
          entity: 'task',
          title: String(task.title),
          status: 'updated',
          sourceId: taskId,
          targetId: remoteTaskId,
          error: null,
          startedAt,
        });
      } catch (error) {
        failTask(error, '');
        units.done(taskId, false);
        for (const document of documents) {
          settle(taskId, {
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
      const item = { entity: 'document', title: document.title, sourceId: document.id, startedAt } as const;
      if (!row || document.deleted) {
        settle(taskId, { ...item, status: 'skipped', targetId: null, error: NO_DELETIONS });
        continue;
      }
      if (remoteTaskId === null) {
        settle(taskId, { ...item, status: 'failed', targetId: null, error: 'its task is not on the target' });
        failures++;
        continue;
      }
      try {
        const body = documentBody(row, remoteTaskId);
        const answer = await client.call('document-create', body);
        sentDocuments.set(document.id, answer.document_id);
        await saveSent(db, ctx.targetId, 'document', [
          { localId: document.id, remoteId: answer.document_id },
        ]);
        if (document.replacedBy !== null && body.replaced_by === 0)
          resendDocuments.push({ row, remoteTaskId });
        settle(taskId, { ...item, status: 'updated', targetId: answer.document_id, error: null });
      } catch (error) {
        if (isFatal(error)) throw error;
        failures++;
        settle(taskId, { ...item, status: 'failed', targetId: null, error: (error as Error).message });
      }
    }
    if (task && !task.deleted && remoteTaskId !== null) {
      const remoteDocId = remoteOf(sentDocuments, task.doc_id);
      if (remoteDocId > 0) {
        try {
          await client.call('task-update-docid', { task_id: remoteTaskId, document_id: remoteDocId });
        } catch (error) {
          failTask(error, 'task-update-docid: ');
        }
      }
      const list = usages.get(taskId) ?? [];
      if (list.length > 0) {
        try {
          await client.call('task-usage-create', {
            task_id: remoteTaskId,
            task_usages: list.map((usage) => usageWireRow(remoteTaskId!, { ...usage, id: 0 })),
          });
        } catch (error) {
          failTask(error, 'task-usage-create: ');
        }
      }
    }
    if (task) units.done(taskId, taskOk);
  }

  // References whose target was sent after them (or failed first): known now, sent again.
  for (const task of resendTasks) {
    const body = taskBody(task);
    if (body.run_after === 0) continue;
    try {
      await client.call('task-create', body);
    } catch (error) {
      if (isFatal(error)) throw error;
      failures++;
    }
  }
  for (const { row, remoteTaskId } of resendDocuments) {
    const body = documentBody(row, remoteTaskId);
    if (body.replaced_by === 0) continue;
    try {
      await client.call('document-create', body);
    } catch (error) {
      if (isFatal(error)) throw error;
      failures++;
    }
  }
  return { failures };
}
