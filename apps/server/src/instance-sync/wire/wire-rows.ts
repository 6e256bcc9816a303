// Our database rows as wire rows (incoming ones become rows in receiver/incoming-rows.ts).
// Field names on the wire are PROTOCOL.md's. Outgoing ids are JSON numbers with 0 for "none",
// and times are RFC 3339 or null, never "": openDeepWiki's Go decoder refuses "" for a time and
// anything but a number for an id.
import { isoTime, isoTimeOrNull } from '../../db/row.js';
import type { TaskUsage } from '../../tasks/task-usage-store.js';

/** Columns read for export: the wire fields plus uid and the tombstone flag. */
export const EXPORT_TASK_COLUMNS =
  'id, uid, repository_id, doc_id, writer_name, task_type, title, outline, status, run_after_id, error_msg, sort_order, started_at, completed_at, metadata, created_at, updated_at, deleted, server_version';
export const EXPORT_DOCUMENT_COLUMNS =
  'id, uid, repository_id, task_id, title, filename, content, language, sort_order, version, is_latest, replaced_by, metadata, created_at, updated_at, deleted, server_version';

export type WireRow = Record<string, unknown>;

/** A reference as openDeepWiki's wire has it: the id, or 0 for none. */
export function idOrZero(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

export function taskWireRow(row: Record<string, unknown>): WireRow {
  return {
    task_id: Number(row.id),
    uid: row.uid,
    repository_id: Number(row.repository_id),
    doc_id: idOrZero(row.doc_id),
    writer_name: row.writer_name,
    task_type: row.task_type,
    title: row.title,
    outline: row.outline,
    status: row.status,
    run_after: idOrZero(row.run_after_id),
    error_msg: row.error_msg,
    sort_order: Number(row.sort_order),
    started_at: isoTimeOrNull(row.started_at),
    completed_at: isoTimeOrNull(row.completed_at),
    metadata: row.metadata ?? {},
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    deleted: Boolean(row.deleted),
  };
}

export function documentWireRow(row: Record<string, unknown>): WireRow {
  return {
    document_id: Number(row.id),
    uid: row.uid,
    repository_id: Number(row.repository_id),
    task_id: idOrZero(row.task_id),
    title: row.title,
    filename: row.filename,
    content: row.content,
    language: row.language,
    sort_order: Number(row.sort_order),
    version: Number(row.version),
    is_latest: Boolean(row.is_latest),
    replaced_by: idOrZero(row.replaced_by),
    metadata: row.metadata ?? {},
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    deleted: Boolean(row.deleted),
  };
}

export function repositoryWireRow(row: Record<string, unknown>): WireRow {
  return {
    repository_id: Number(row.id),
    uid: row.uid,
    name: row.name,
    url: row.url,
    description: row.description,
    clone_branch: row.clone_branch,
    clone_commit_id: row.clone_commit_id,
    size_mb: Number(row.size_mb),
    status: row.status,
    error_msg: row.error_msg,
    metadata: row.metadata ?? {},
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
  };
}

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
