// A session's items check their session once per statement, not once per row
// -----------------------------------------------------------------------------
// sync_items referenced sync_sessions by a foreign key. PostgreSQL checks a foreign key row by
// row: for each item it looks the session up and locks it FOR KEY SHARE. A full push writes an
// item per task and document (21,500 for the bench's repository, in a dozen COPYs), and those
// checks cost the sending server's database about a third of a CPU-second per push, a third of
// all its work (bench instance-sync: 1.09–1.29 → 0.82–0.89 CPU-s without them).
//
// The triggers below keep what the key promised, per statement:
// - An insert (or an update) of items locks each distinct session they name FOR KEY SHARE, the
//   lock the key took, and fails with foreign_key_violation (23503) if one is not there. While
//   the lock is held the session cannot be deleted; a session deleted meanwhile is not locked
//   (READ COMMITTED re-reads the row once its deleter ends), so the count falls short.
// - Deleting sessions deletes their items (ON DELETE CASCADE was the key's rule). The delete
//   waits for the writers that locked those sessions, and its statement then sees their items.
// - A session's id does not change while it has items (the key's NO ACTION on update).
export const syncItemsSessionCheckSchema = `
ALTER TABLE sync_items DROP CONSTRAINT sync_items_session_id_fkey;

CREATE FUNCTION wikisync_sync_items_session_check() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  named text[];
  locked integer;
BEGIN
  SELECT array_agg(DISTINCT session_id) INTO named FROM written_items;
  IF named IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT count(*) INTO locked
    FROM (SELECT 1 FROM public.sync_sessions WHERE id = ANY (named) FOR KEY SHARE) AS session;
  IF locked < cardinality(named) THEN
    RAISE EXCEPTION 'sync_items names a sync session that does not exist'
      USING ERRCODE = 'foreign_key_violation', TABLE = 'sync_items', COLUMN = 'session_id';
  END IF;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER sync_items_session_insert AFTER INSERT ON sync_items
  REFERENCING NEW TABLE AS written_items FOR EACH STATEMENT
  EXECUTE FUNCTION wikisync_sync_items_session_check();
CREATE TRIGGER sync_items_session_update AFTER UPDATE ON sync_items
  REFERENCING NEW TABLE AS written_items FOR EACH STATEMENT
  EXECUTE FUNCTION wikisync_sync_items_session_check();

CREATE FUNCTION wikisync_sync_items_cascade() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM public.sync_items WHERE session_id IN (SELECT id FROM deleted_sessions);
  RETURN NULL;
END
$fn$;

CREATE TRIGGER sync_sessions_items_delete AFTER DELETE ON sync_sessions
  REFERENCING OLD TABLE AS deleted_sessions FOR EACH STATEMENT
  EXECUTE FUNCTION wikisync_sync_items_cascade();

CREATE FUNCTION wikisync_sync_session_id_kept() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF EXISTS (SELECT 1 FROM public.sync_items WHERE session_id = OLD.id) THEN
    RAISE EXCEPTION 'sync session % has items; its id cannot change', OLD.id
      USING ERRCODE = 'foreign_key_violation', TABLE = 'sync_sessions', COLUMN = 'id';
  END IF;
  RETURN NEW;
END
$fn$;

CREATE TRIGGER sync_sessions_id_kept BEFORE UPDATE OF id ON sync_sessions
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION wikisync_sync_session_id_kept();
`;
