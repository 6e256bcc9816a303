// Bump rule: MINOR when a message gains an optional field or a new endpoint appears
// (old peers keep working); MAJOR when a field is removed, renamed or changes meaning.
// Peers exchange it in `GET /api/sync/ping` and `GET /health`.
// 2.0: a task's run_after is a task reference (run_after_id / run_after_uid / the sender's id),
// task usages travel, and request signatures cover X-Sync-Instance.
// 2.1: REST GET and PATCH of one row answer its ETag, and a PATCH may send If-Match
// (412 PRECONDITION_FAILED with the current row when it no longer matches).
// 2.1: also `POST /copy-upsert` and the `copy` capability (format copy-v1), then the format
// pg-text-v1 beside it (negotiated: a receiver that does not list it never gets it).
// 2.2: a batch or copy task row may carry `doc_uid` and `run_after_uid` (the `references`
// capability).
// 2.3: the copy format pg-text-tasks-v1, task rows as COPY text (negotiated like pg-text-v1).
// 2.4: a batch or copy document row may carry `replaced_by_uid` beside `replaced_by`, and a
// pg-text-v1 body the columns PG_TEXT_DOCUMENT_REFERENCE_COLUMNS (references: replaced_by_uid).
// 2.5: a `batch-upsert` may carry its repository's `repository-upsert` body and
// `missing_tasks`, answered with `repository` and a document outcome's `missing: "task"` (the
// `batch_options` capability).
export const PROTOCOL_VERSION = '2.5';
