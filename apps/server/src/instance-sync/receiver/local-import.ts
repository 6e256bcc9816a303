// Writes an export (pages from a pull, or lines of a file) into this server through the same
// mapping code the receiver uses: the source plays the peer, identified by its instance uid.
import { idList } from '../../db/sql-lists.js';
import {
  repositoryUpsertRequestSchema,
  SYNC_SCOPES,
  type BatchLinks,
  type BatchRowOutcome,
} from '@wikisync/shared';
import { type Database, writeTransaction } from '../../db/database.js';
import { lockRepository } from '../../db/repository-locks.js';
import { parseWith } from '../../http/validate.js';
import { clearLocalRepository, upsertRepository } from './receiver.js';
import { applyBatch } from './batch-receiver.js';
import { lookupMapped } from '../wire/id-map.js';
import type { SyncCaller } from '../peer-auth/sync-caller.js';

export function importingCaller(peerKey: string, startedBy: string): SyncCaller {
  return { kind: 'admin', name: startedBy, scopes: new Set(SYNC_SCOPES), repositoryIds: null, peerKey };
}

export class LocalImport {
  private remoteRepositoryId = 0;
  localRepositoryId = 0;
  readonly links: Required<BatchLinks> = { tasks: [], documents: [] };
  readonly seenTasks = new Set<number>();
  readonly seenDocuments = new Set<number>();

  constructor(
    private readonly db: Database,
    private readonly caller: SyncCaller,
  ) {}

  async repository(
    wire: Record<string, unknown>,
    clear: boolean,
  ): Promise<{ localId: number; name: string; result: string; note: string | null }> {
    const input = parseWith(repositoryUpsertRequestSchema, wire);
    const result = await upsertRepository(this.db, this.caller, input);
    this.remoteRepositoryId = input.repository_id;
    this.localRepositoryId = result.repository_id;
    if (clear) await writeTransaction(this.db, (tx) => clearLocalRepository(tx, result.repository_id));
    return {
      localId: result.repository_id,
      name: result.name,
      result: result.result,
      note: result.url_emptied
        ? `its url ${JSON.stringify(String(wire.url).slice(0, 200))} is not an http(s) link and was stored empty`
        : null,
    };
  }

  /**
   * Applies one page of rows (ids the source's); links are kept for `finish`. `usages` are
   * the page's task usages (openDeepWiki's `task_usages`): each live task of the page gets
   * exactly its listed ones. Without them (an older source of ours) usages are left alone.
   */
  async rows(
    tasks: Record<string, unknown>[],
    documents: Record<string, unknown>[],
    usages?: Record<string, unknown>[] | null,
  ): Promise<{ tasks: BatchRowOutcome[]; documents: BatchRowOutcome[] }> {
    if (usages) {
      const byTask = new Map<number, Record<string, unknown>[]>();
      for (const usage of usages) {
        const list = byTask.get(Number(usage.task_id)) ?? [];
        list.push(usage);
        byTask.set(Number(usage.task_id), list);
      }
      tasks = tasks.map((task) =>
        task.deleted ? task : { ...task, task_usages: byTask.get(Number(task.task_id)) ?? [] },
      );
    }
    for (const task of tasks) {
      const id = Number(task.task_id);
      this.seenTasks.add(id);
      if (!task.deleted && Number.isSafeInteger(id))
        this.links.tasks.push({ task_id: id, doc_id: toId(task.doc_id) });
    }
    for (const document of documents) {
      const id = Number(document.document_id);
      this.seenDocuments.add(id);
      if (!document.deleted && Number.isSafeInteger(id))
        this.links.documents.push({ document_id: id, replaced_by: toId(document.replaced_by) });
    }
    const answer = await applyBatch(this.db, this.caller, {
      repository_id: this.remoteRepositoryId,
      tasks,
      documents: documents.map(({ replaced_by: _replacedBy, ...rest }) => rest),
    });
    return { tasks: answer.tasks, documents: answer.documents };
  }

  async finish(): Promise<void> {
    await applyBatch(this.db, this.caller, {
      repository_id: this.remoteRepositoryId,
      tasks: [],
      documents: [],
      links: this.links,
    });
  }

  /**
   * After a complete, unfiltered openDeepWiki export. openDeepWiki exports only the latest
   * version of each document and never deletes, so a document it gave us earlier and no
   * longer lists is not gone: it was regenerated. Such a document whose task now points at
   * another document becomes an older version of it (`is_latest` false, `replaced_by` the
   * task's document); nothing is deleted. Returns the documents retired so.
   */
  async keepReplacedVersions(): Promise<{ id: number; title: string }[]> {
    return writeTransaction(this.db, async (tx) => {
      await lockRepository(tx, this.localRepositoryId);
      const mapped = await tx.query<{ remote_id: number; local_id: number }>(
        `SELECT m.remote_id, m.local_id FROM sync_id_map m JOIN documents d ON d.id = m.local_id
          WHERE m.peer_key = $1 AND m.entity = 'document' AND d.repository_id = $2 AND NOT d.deleted AND d.is_latest`,
        [this.caller.peerKey, this.localRepositoryId],
      );
      const missing = mapped
        .filter((row) => !this.seenDocuments.has(Number(row.remote_id)))
        .map((row) => Number(row.local_id));
      if (missing.length === 0) return [];
      const retired = await tx.query<{ id: number; title: string }>(
        `UPDATE documents d SET is_latest = false, replaced_by_uid = t.doc_uid, updated_at = now()
           FROM ${idList('$1')} ids, tasks t
          WHERE d.id = ids.id AND t.id = d.task_id AND t.doc_uid IS NOT NULL AND t.doc_uid <> d.uid
         RETURNING d.id, d.title`,
        [{ v: missing }],
      );
      return retired.map((row) => ({ id: Number(row.id), title: String(row.title) }));
    });
  }

  /** Our id for the source's repository id, once `repository` ran. */
  async mappedRepository(): Promise<number | undefined> {
    return (await lookupMapped(this.db, this.caller.peerKey, 'repository', [this.remoteRepositoryId])).get(
      this.remoteRepositoryId,
    );
  }
}

function toId(value: unknown): number | null {
  const id = Number(value);
  return value === null || value === undefined || !Number.isSafeInteger(id) || id <= 0 ? null : id;
}
