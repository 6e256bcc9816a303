// Wire rows (ours or openDeepWiki's, already checked by the shared schemas) as the rows
// row-apply.ts writes: the table's columns, the sender's id, uid, tombstone and times.
import type { WireDocumentFields, WireTaskFields } from '@wikisync/shared';
import { DOCUMENT_TABLE, TASK_TABLE, type IncomingRow, type TableSpec } from './row-stage.js';

/** A value field's column has the field's name on the wire; resolved columns are given. */
function incomingRow(
  spec: TableSpec,
  remoteId: number | null,
  row: WireTaskFields | WireDocumentFields,
  resolved: Record<string, unknown>,
): IncomingRow {
  const fields = row as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const column of spec.columns)
    values[column.name] = column.resolved ? resolved[column.name] : fields[column.name];
  return {
    remoteId,
    uid: row.uid,
    deleted: row.deleted,
    values,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function incomingTask(remoteId: number | null, row: WireTaskFields): IncomingRow {
  return incomingRow(TASK_TABLE, remoteId, row, {});
}

export function incomingDocument(
  remoteId: number | null,
  row: WireDocumentFields,
  localTaskId: number | null,
): IncomingRow {
  return incomingRow(DOCUMENT_TABLE, remoteId, row, { task_id: localTaskId });
}
