// Wire rows (ours or openDeepWiki's, already checked by the shared schemas) as the rows
// row-apply.ts writes: the table's columns, the sender's id, uid, tombstone and times.
import type { WireDocumentFields, WireTaskFields } from '@wikisync/shared';
import type { IncomingRow } from './row-stage.js';

export function incomingTask(remoteId: number | null, row: WireTaskFields): IncomingRow {
  return {
    remoteId,
    uid: row.uid,
    deleted: row.deleted,
    values: {
      writer_name: row.writer_name,
      task_type: row.task_type,
      title: row.title,
      outline: row.outline,
      status: row.status,
      error_msg: row.error_msg,
      sort_order: row.sort_order,
      started_at: row.started_at,
      completed_at: row.completed_at,
      metadata: row.metadata,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function incomingDocument(
  remoteId: number | null,
  row: WireDocumentFields,
  localTaskId: number | null,
): IncomingRow {
  return {
    remoteId,
    uid: row.uid,
    deleted: row.deleted,
    values: {
      task_id: localTaskId,
      title: row.title,
      filename: row.filename,
      content: row.content,
      language: row.language,
      sort_order: row.sort_order,
      version: row.version,
      is_latest: row.is_latest,
      metadata: row.metadata,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
