// Writes an export (pages from a pull, or lines of a file) into this server through the same
// mapping code the receiver uses: the source plays the peer, identified by its instance uid.
import { idList } from './sql-lists.js';
import {
  repositoryUpsertRequestSchema,
  SYNC_SCOPES,
  type BatchLinks,
  type BatchRowOutcome,
} from '@wikisync/shared';
import { type Database, writeTransaction } from '../db/database.js';
import { parseWith } from '../http/validate.js';
import { clearLocalRepository, upsertRepository } from './receiver.js';
import { applyBatch } from './batch-receiver.js';
import { lookupMapped } from './id-map.js';
import type { SyncCaller } from './sync-caller.js';

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
  ): Promise<{ localId: number; name: string; result: string }> {
    const input = parseWith(repositoryUpsertRequestSchema, wire);
    const result = await upsertRepository(this.db, this.caller, input);
    this.remoteRepositoryId = input.repository_id;
    this.localRepositoryId = result.repository_id;
    if (clear) await writeTransaction(this.db, (tx) => clearLocalRepository(tx, result.repository_id));
    return { localId: result.repository_id, name: result.name, result: result.result };
  }

  /** Applies one page of rows (ids the source's); links are kept for `finish`. */
  async rows(
    tasks: Record<string, unknown>[],
    documents: Record<string, unknown>[],
  ): Promise<{ tasks: BatchRowOutcome[]; documents: BatchRowOutcome[] }> {
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
   * After a complete, unfiltered export without tombstones (an openDeepWiki source): rows this
   * peer gave us earlier that it no longer has are deleted here too.
   */
  async deleteMissing(): Promise<number> {
    return writeTransaction(this.db, async (tx) => {
      let deleted = 0;
      for (const [entity, table, seen] of [
        ['document', 'documents', this.seenDocuments],
        ['task', 'tasks', this.seenTasks],
      ] as const) {
        const mapped = await tx.query<{ remote_id: number; local_id: number }>(
          `SELECT m.remote_id, m.local_id FROM sync_id_map m JOIN ${table} r ON r.id = m.local_id
            WHERE m.peer_key = $1 AND m.entity = $2 AND r.repository_id = $3 AND NOT r.deleted`,
          [this.caller.peerKey, entity, this.localRepositoryId],
        );
        const gone = mapped
          .filter((row) => !seen.has(Number(row.remote_id)))
          .map((row) => Number(row.local_id));
        if (gone.length === 0) continue;
        if (table === 'documents') {
          await tx.query(
            `UPDATE tasks SET doc_uid = NULL, updated_at = now() WHERE NOT deleted AND doc_uid IN
               (SELECT d.uid FROM documents d JOIN ${idList('$1')} ids ON ids.id = d.id)`,
            [{ v: gone }],
          );
        }
        const rows = await tx.query(
          `UPDATE ${table} AS t SET deleted = true, updated_at = now() FROM ${idList('$1')} ids WHERE t.id = ids.id RETURNING t.id`,
          [{ v: gone }],
        );
        deleted += rows.length;
      }
      return deleted;
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
