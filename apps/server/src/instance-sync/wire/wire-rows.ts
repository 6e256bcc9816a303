// Our database rows as wire rows (incoming ones become rows in receiver/incoming-rows.ts),
// with the fields and names of the field tables (packages/shared/src/model/fields), which are
// PROTOCOL.md's. Outgoing ids are JSON numbers with 0 for "none", and times are RFC 3339 or
// null, never "": openDeepWiki's Go decoder refuses "" for a time and anything but a number
// for an id (db/field-rows.ts).
import { DOCUMENT_FIELDS, REPOSITORY_FIELDS, TASK_FIELDS } from '@wikisync/shared';
import { readColumns, rowToWire } from '../../db/field-rows.js';
import type { TaskUsage } from '../../tasks/task-usage-store.js';

/** Columns read for export: the wire fields (from `task_rows` and `document_rows`) and the row's version. */
export const EXPORT_TASK_COLUMNS = [...readColumns(TASK_FIELDS, 'instanceSync'), 'server_version'].join(', ');
export const EXPORT_DOCUMENT_COLUMNS = [
  ...readColumns(DOCUMENT_FIELDS, 'instanceSync'),
  'server_version',
].join(', ');

export type WireRow = Record<string, unknown>;

export const taskWireRow = (row: Record<string, unknown>): WireRow =>
  rowToWire(TASK_FIELDS, 'instanceSync', row);

export const documentWireRow = (row: Record<string, unknown>): WireRow =>
  rowToWire(DOCUMENT_FIELDS, 'instanceSync', row);

/** A repository read with REPOSITORY_COLUMNS, as `repository-upsert` and `pull-export` carry it. */
export const repositoryWireRow = (row: Record<string, unknown>): WireRow =>
  rowToWire(REPOSITORY_FIELDS, 'instanceSync', row);

/** A usage as `pull-export` and `task-usage-create` carry it; `task_id` is the sender's. */
export function usageWireRow(taskId: number, usage: TaskUsage & { id?: number }): WireRow {
  return {
    id: usage.id ?? 0,
    task_id: taskId,
    api_key_name: usage.api_key_name,
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.total_tokens,
    cached_tokens: usage.cached_tokens,
    reasoning_tokens: usage.reasoning_tokens,
    created_at: usage.created_at ?? new Date().toISOString(),
  };
}
