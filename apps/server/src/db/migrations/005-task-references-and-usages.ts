// openDeepWiki interop (PROTOCOL.md, "openDeepWiki's wire"): a task's `run_after` names the
// task that must finish first, task usages travel with tasks, and a peer may name a row that
// has not arrived yet. Stands on 001 and 003.
export const taskReferencesAndUsagesSchema = `
-- run_after was read as a time; in openDeepWiki it is the id of the task that must finish
-- first (0 = none). It becomes a soft pointer by uid, like doc_uid, so an offline client can
-- set it before the server has numbered either task. The old values were times, which name
-- no task, so they are dropped: every task starts with no run_after. The view gains the
-- numeric id for the REST and instance-sync wires, as it has doc_id.
DROP VIEW task_rows;
ALTER TABLE tasks DROP COLUMN run_after;
ALTER TABLE tasks ADD COLUMN run_after_uid text;
CREATE INDEX tasks_run_after_uid ON tasks(run_after_uid) WHERE run_after_uid IS NOT NULL;
CREATE VIEW task_rows AS
  SELECT t.*, d.id AS doc_id, a.id AS run_after_id
    FROM tasks t
    LEFT JOIN documents d ON d.uid = t.doc_uid
    LEFT JOIN tasks a ON a.uid = t.run_after_uid;

-- LLM token use of a task. Not replicated to browsers; carried by instance sync, so a copy
-- openDeepWiki -> us -> openDeepWiki keeps it. Replacing a task's usages re-stamps the task
-- (tasks/task-usage-store.ts), so incremental copies, which go by the task's server_version, carry them.
CREATE TABLE task_usages (
  id                bigserial PRIMARY KEY,
  task_id           bigint NOT NULL REFERENCES tasks(id),
  api_key_name      text NOT NULL DEFAULT '',
  prompt_tokens     bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  total_tokens      bigint NOT NULL DEFAULT 0,
  cached_tokens     bigint NOT NULL DEFAULT 0,
  reasoning_tokens  bigint NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_usages_task ON task_usages(task_id, id);

-- References a peer sent before the row they name arrived here: openDeepWiki sends a task's
-- run_after before that task, and a document's replaced_by may name a version not yet sent.
-- Kept by the peer's id and set once that row is mapped (instance-sync/pending-links.ts).
CREATE TABLE sync_pending_links (
  entity     text NOT NULL CHECK (entity IN ('task','document')),
  local_id   bigint NOT NULL,
  field      text NOT NULL CHECK (field IN ('doc','run_after','replaced_by')),
  peer_key   text NOT NULL,
  target     text NOT NULL CHECK (target IN ('task','document')),
  remote_id  bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entity, local_id, field)
);
CREATE INDEX sync_pending_links_target ON sync_pending_links(peer_key, target, remote_id);

-- Which peers pulled which of our repositories: one that comes back from such a peer is a copy
-- coming home, which that peer may write (receiver.ts, mayAdoptRepository); any other local
-- repository needs a token the operator scoped to it.
CREATE TABLE sync_exports (
  peer_key      text NOT NULL,
  repository_id bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  exported_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (peer_key, repository_id)
);

-- A tokenless peer (openDeepWiki) is known only by its address, and two openDeepWiki servers
-- behind one address number their rows alike, so their ids are now mapped per sending
-- repository: "address:<ip>#repo:<its repository id>" (sync-caller.ts). Mappings made before
-- move to the key of the repository their row belongs to here.
UPDATE sync_id_map m SET peer_key = m.peer_key || '#repo:' || r.remote_id
  FROM sync_id_map r
 WHERE m.peer_key LIKE 'address:%' AND position('#' in m.peer_key) = 0
   AND r.peer_key = m.peer_key AND r.entity = 'repository'
   AND r.local_id = CASE m.entity
         WHEN 'repository' THEN m.local_id
         WHEN 'task' THEN (SELECT t.repository_id FROM tasks t WHERE t.id = m.local_id)
         ELSE (SELECT d.repository_id FROM documents d WHERE d.id = m.local_id)
       END;
`;
