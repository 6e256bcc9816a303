// Replication: the conflict-resolution log and the change notifications behind
// `GET /api/v1/sync/stream`.
//
// Notifications come from Postgres itself (NOTIFY is delivered at commit, to every process
// that LISTENs on the database), so two server processes sharing one database both hear a
// write, and a rolled-back write is never announced. One statement-level trigger per table
// and event sends one notification per repository touched, carrying the collection, the
// repository id (for per-user filtering) and the largest server_version written. Payloads
// stay far below the 8000-byte limit because each names a single repository.
export const REPLICATION_CHANNEL = 'wikisync_changes';

export const replicationSchema = `
CREATE TABLE sync_conflict_log (
  id            bigserial PRIMARY KEY,
  user_id       bigint REFERENCES users(id) ON DELETE SET NULL,
  user_name     text NOT NULL,
  collection    text NOT NULL CHECK (collection IN ('repositories','tasks','documents')),
  uid           text NOT NULL,
  repository_id bigint,
  resolution    text NOT NULL CHECK (resolution IN ('local','server','merged')),
  base          jsonb,
  local         jsonb,
  server        jsonb,
  result        jsonb,
  resolved_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_conflict_log_uid ON sync_conflict_log(collection, uid);
CREATE INDEX sync_conflict_log_repository ON sync_conflict_log(repository_id);

CREATE FUNCTION wikisync_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  change record;
BEGIN
  IF TG_TABLE_NAME = 'repositories' THEN
    FOR change IN SELECT id AS repository_id, max(server_version) AS version FROM changed_rows GROUP BY id LOOP
      PERFORM pg_notify('${REPLICATION_CHANNEL}',
        json_build_object('c', TG_TABLE_NAME, 'r', change.repository_id, 'v', change.version)::text);
    END LOOP;
  ELSE
    FOR change IN SELECT repository_id, max(server_version) AS version FROM changed_rows GROUP BY repository_id LOOP
      PERFORM pg_notify('${REPLICATION_CHANNEL}',
        json_build_object('c', TG_TABLE_NAME, 'r', change.repository_id, 'v', change.version)::text);
    END LOOP;
  END IF;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER repositories_notify_insert AFTER INSERT ON repositories
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wikisync_notify_changes();
CREATE TRIGGER repositories_notify_update AFTER UPDATE ON repositories
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wikisync_notify_changes();
CREATE TRIGGER tasks_notify_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wikisync_notify_changes();
CREATE TRIGGER tasks_notify_update AFTER UPDATE ON tasks
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wikisync_notify_changes();
CREATE TRIGGER documents_notify_insert AFTER INSERT ON documents
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wikisync_notify_changes();
CREATE TRIGGER documents_notify_update AFTER UPDATE ON documents
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION wikisync_notify_changes();
`;
