// Conflict-log retention (CONFLICT_LOG_RETENTION_DAYS): every logged resolution deletes the
// entries older than the retention, so that delete needs an index on the time, or each
// resolution would scan the whole log. Stands on 002 only.
export const conflictLogRetentionSchema = `
CREATE INDEX sync_conflict_log_resolved_at ON sync_conflict_log(resolved_at);
`;
