// A pull (PROTOCOL.md §2): ping, then pull-export from the source, written here through the
// receiver's mapping code with the source as the peer. From one of ours the export comes in
// pages, incremental since the last successful pull; from openDeepWiki it comes whole.
import type { BatchRowOutcome, SyncCapabilities } from '@wikisync/shared';
import type { Database } from '../../../db/database.js';
import { SyncCancelledError } from '../../../errors.js';
import type { PeerClient } from '../peer-client.js';
import type { ProgressTracker } from '../progress-tracker.js';
import { LocalImport } from '../../receiver/local-import.js';
import type { SyncCaller } from '../../peer-auth/sync-caller.js';

export interface PullContext {
  db: Database;
  client: PeerClient;
  tracker: ProgressTracker;
  signal: AbortSignal;
  caller: SyncCaller;
  remoteRepositoryId: number;
  documentIds: number[] | null;
  clear: boolean;
  since: number;
  capabilities: SyncCapabilities | undefined;
}

export interface PullResult {
  failures: number;
  /** The source's version to resume from next time, when the copy was incremental-capable. */
  checkpoint: number | undefined;
  localRepositoryId: number;
}

export const PULL_PAGE_ROWS = 500;

/**
 * A source that never stops paging must not keep a pull (and the lock on its repository)
 * running for ever: a cursor must move forward, and the pages and rows may exceed the totals
 * the source announced on its first page only by this much slack.
 */
function pageLimits(totalRows: number) {
  return { pages: Math.ceil(totalRows / PULL_PAGE_ROWS) * 2 + 10, rows: totalRows * 2 + 1000 };
}

/** Cursors look like "t:123" / "d:456": the phase and the last id, which must grow. */
function cursorOrder(cursor: string): [number, number] {
  const [phase, id] = cursor.split(':');
  return [phase === 'd' ? 1 : 0, Number(id)];
}

function cursorAdvances(previous: string | undefined, next: string): boolean {
  if (previous === undefined) return true;
  const [a, b] = [cursorOrder(previous), cursorOrder(next)];
  return b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]);
}

export async function runPull(ctx: PullContext): Promise<PullResult> {
  const { client, tracker } = ctx;
  const paged = ctx.capabilities?.paged_export === true;
  const selected = ctx.documentIds !== null && ctx.documentIds.length > 0;
  const since = ctx.clear || selected ? 0 : ctx.since;
  tracker.meta.transport = paged ? 'paged-export' : 'single-export';
  tracker.meta.incremental = paged && since > 0;
  const importer = new LocalImport(ctx.db, ctx.caller);
  let cursor: string | undefined;
  let checkpoint: number | undefined;
  let totalRows = 0;
  let doneRows = 0;
  let failures = 0;
  let first = true;
  let pages = 0;
  const failedTasks = new Set<number>();
  do {
    if (ctx.signal.aborted) throw new SyncCancelledError();
    tracker.currentTask = first
      ? 'Asking the source for the repository'
      : `Copying rows: ${doneRows} of ${totalRows}`;
    const request = {
      repository_id: ctx.remoteRepositoryId,
      ...(selected ? { document_ids: ctx.documentIds } : {}),
      ...(paged
        ? {
            limit: PULL_PAGE_ROWS,
            ...(since > 0 ? { since_version: since } : {}),
            ...(cursor ? { cursor } : {}),
          }
        : {}),
    };
    const page = await client.call('pull-export', request);
    pages++;
    if (first) {
      first = false;
      checkpoint = page.checkpoint;
      const repository = await importer.repository(page.repository, ctx.clear);
      tracker.meta.repository_id = repository.localId;
      tracker.meta.repository_name = repository.name;
      tracker.record({
        entity: 'repository',
        title: repository.name,
        status: repository.result as BatchRowOutcome['result'],
        sourceId: ctx.remoteRepositoryId,
        targetId: repository.localId,
        error: repository.note,
        startedAt: new Date().toISOString(),
      });
      const totalTasks = page.total_tasks ?? page.tasks.length;
      totalRows = (page.total_tasks ?? page.tasks.length) + (page.total_documents ?? page.documents.length);
      tracker.totalTasks = totalTasks;
    }
    const startedAt = new Date().toISOString();
    const outcome = await importer.rows(page.tasks, page.documents, page.task_usages);
    const titles = new Map<string, string>();
    for (const task of page.tasks) titles.set(`t${String(task.task_id)}`, String(task.title ?? ''));
    for (const document of page.documents)
      titles.set(`d${String(document.document_id)}`, String(document.title ?? ''));
    for (const [entity, list] of [
      ['task', outcome.tasks],
      ['document', outcome.documents],
    ] as const) {
      for (const row of list) {
        if (row.result === 'failed') {
          failures++;
          if (entity === 'task') failedTasks.add(row.id);
        }
        tracker.record({
          entity,
          title: titles.get(`${entity[0]}${row.id}`) ?? '',
          status: row.result,
          sourceId: row.id,
          targetId: row.local_id,
          error: row.error ?? null,
          startedAt,
        });
      }
    }
    doneRows += page.tasks.length + page.documents.length;
    // Progress in tasks, the unit openDeepWiki's status uses, from the share of rows copied.
    const total = tracker.totalTasks ?? 0;
    tracker.failedTasks = failedTasks.size;
    tracker.completedTasks = Math.max(
      0,
      Math.min(total - failedTasks.size, Math.floor((total * doneRows) / Math.max(1, totalRows))),
    );
    const next = paged && page.next_cursor ? page.next_cursor : undefined;
    if (next !== undefined) {
      const limits = pageLimits(totalRows);
      if (!/^[td]:\d{1,16}$/.test(next) || !cursorAdvances(cursor, next))
        throw new Error(
          `The source answered page ${pages} with the cursor ${JSON.stringify(next.slice(0, 40))}, which does not move past ${JSON.stringify(cursor ?? 'the start')}; the pull was stopped so it cannot run for ever.`,
        );
      if (pages >= limits.pages || doneRows > limits.rows)
        throw new Error(
          `The source kept sending pages (${pages} pages, ${doneRows} rows) after announcing ${totalRows} rows; the pull was stopped so it cannot run for ever.`,
        );
    }
    cursor = next;
  } while (cursor);
  tracker.currentTask = 'Linking tasks to their documents';
  await importer.finish();
  if (!paged && !selected) {
    // An openDeepWiki source: what it no longer lists was regenerated, never deleted.
    for (const document of await importer.keepReplacedVersions())
      tracker.record({
        entity: 'document',
        title: document.title,
        status: 'updated',
        sourceId: null,
        targetId: document.id,
        error: null,
        startedAt: new Date().toISOString(),
      });
  }
  tracker.completedTasks = Math.max(0, (tracker.totalTasks ?? 0) - failedTasks.size);
  return {
    failures,
    checkpoint: paged && !selected ? checkpoint : undefined,
    localRepositoryId: importer.localRepositoryId,
  };
}
