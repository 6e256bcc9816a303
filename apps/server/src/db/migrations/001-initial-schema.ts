import { WRITE_LOCK_KEY } from '../database.js';

// Why server_version is assigned under one lock
// ---------------------------------------------
// A sequence value is taken before commit, so with free-running writers a transaction that
// took version 41 can commit after one that took 42, and a reader that already served 42
// would skip 41 for good. The BEFORE trigger below takes a transaction-scoped advisory lock
// before it draws a version; the lock is released only after the commit is visible, so a
// second writer draws its (larger) version only once every smaller version is committed or
// rolled back. Versions therefore become visible in increasing order, and "all rows with
// server_version > checkpoint" never misses a row that commits later. Rolled-back versions
// leave gaps, which readers do not care about. The app takes the same lock at the start of
// each write transaction (`writeTransaction`) so that writers queue before they hold row
// locks; the trigger keeps the rule true for writes made by hand (psql, migrations).
export const initialSchema = `
CREATE SEQUENCE server_version_seq;

CREATE FUNCTION wikisync_stamp_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(${WRITE_LOCK_KEY});
  NEW.server_version := nextval('public.server_version_seq');
  RETURN NEW;
END
$fn$;

CREATE TABLE users (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  is_admin    boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Only a SHA-256 of each token is kept: a leaked database does not leak working tokens.
CREATE TABLE api_tokens (
  id           bigserial PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         text NOT NULL DEFAULT '',
  token_hash   text NOT NULL UNIQUE,
  expires_at   timestamptz,
  revoked_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE repositories (
  id              bigserial PRIMARY KEY,
  uid             text NOT NULL UNIQUE,
  name            text NOT NULL,
  url             text NOT NULL DEFAULT '',
  description     text NOT NULL DEFAULT '',
  clone_branch    text NOT NULL DEFAULT '',
  clone_commit_id text NOT NULL DEFAULT '',
  size_mb         double precision NOT NULL DEFAULT 0,
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending','cloning','ready','analyzing','completed','error')),
  error_msg       text NOT NULL DEFAULT '',
  metadata        jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  server_version  bigint NOT NULL DEFAULT 0,
  deleted         boolean NOT NULL DEFAULT false
);
CREATE INDEX repositories_server_version ON repositories(server_version);

CREATE TABLE repository_grants (
  user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  repository_id bigint NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
  access        text NOT NULL CHECK (access IN ('read','write')),
  PRIMARY KEY (user_id, repository_id)
);
CREATE INDEX repository_grants_repository ON repository_grants(repository_id);

CREATE TABLE tasks (
  id             bigserial PRIMARY KEY,
  uid            text NOT NULL UNIQUE,
  repository_id  bigint NOT NULL REFERENCES repositories(id),
  doc_uid        text,
  writer_name    text NOT NULL DEFAULT '',
  task_type      text NOT NULL DEFAULT '',
  title          text NOT NULL DEFAULT '',
  outline        text NOT NULL DEFAULT '',
  status         text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending','queued','running','succeeded','failed','canceled')),
  run_after      timestamptz,
  error_msg      text NOT NULL DEFAULT '',
  sort_order     integer NOT NULL DEFAULT 0,
  started_at     timestamptz,
  completed_at   timestamptz,
  metadata       jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  server_version bigint NOT NULL DEFAULT 0,
  deleted        boolean NOT NULL DEFAULT false
);
CREATE INDEX tasks_server_version ON tasks(server_version);
CREATE INDEX tasks_repository ON tasks(repository_id, sort_order, id);

CREATE TABLE documents (
  id             bigserial PRIMARY KEY,
  uid            text NOT NULL UNIQUE,
  repository_id  bigint NOT NULL REFERENCES repositories(id),
  task_id        bigint REFERENCES tasks(id),
  title          text NOT NULL DEFAULT '',
  filename       text NOT NULL DEFAULT '',
  content        text NOT NULL DEFAULT '',
  language       text NOT NULL DEFAULT '',
  sort_order     integer NOT NULL DEFAULT 0,
  version        integer NOT NULL DEFAULT 1,
  is_latest      boolean NOT NULL DEFAULT true,
  replaced_by_uid text,
  metadata       jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  server_version bigint NOT NULL DEFAULT 0,
  deleted        boolean NOT NULL DEFAULT false
);
CREATE INDEX documents_server_version ON documents(server_version);
CREATE INDEX documents_repository ON documents(repository_id, sort_order, id);
CREATE INDEX documents_task ON documents(task_id);

CREATE INDEX tasks_doc_uid ON tasks(doc_uid) WHERE doc_uid IS NOT NULL;

-- References come in two kinds. Ownership (a task's or document's repository, a document's
-- task) is a foreign key: the owner must exist first. Pointers sideways (a task's current
-- document, the version that replaced a document) are kept by uid without a foreign key,
-- because an offline client creates both ends together and may push either end first; the
-- numeric ids on the REST and instance-sync wires are looked up through these views.
CREATE VIEW task_rows AS
  SELECT t.*, d.id AS doc_id
    FROM tasks t LEFT JOIN documents d ON d.uid = t.doc_uid;
CREATE VIEW document_rows AS
  SELECT d.*, r.id AS replaced_by
    FROM documents d LEFT JOIN documents r ON r.uid = d.replaced_by_uid;

CREATE TRIGGER repositories_version BEFORE INSERT OR UPDATE ON repositories
  FOR EACH ROW EXECUTE FUNCTION wikisync_stamp_version();
CREATE TRIGGER tasks_version BEFORE INSERT OR UPDATE ON tasks
  FOR EACH ROW EXECUTE FUNCTION wikisync_stamp_version();
CREATE TRIGGER documents_version BEFORE INSERT OR UPDATE ON documents
  FOR EACH ROW EXECUTE FUNCTION wikisync_stamp_version();
`;
