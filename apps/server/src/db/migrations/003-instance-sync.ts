// Instance sync (PROTOCOL.md §2): who this server is, who may call it, whom it may call,
// how ids map between servers, and the sessions, items, checkpoints and schedules that make
// copies observable, incremental and repeatable. Stands on 001 only.
export const instanceSyncSchema = `
-- One row: this server's persistent identity. Our senders send it as X-Sync-Instance, and a
-- receiver maps the sender's ids by it, so it must survive restarts and never change.
CREATE TABLE sync_instance (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  uid        text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sync_instance (uid) VALUES (gen_random_uuid()::text);

-- Tokens other servers use to call us. Only a hash of the token is kept; the signing secret
-- must be readable to check HMACs, so it is stored encrypted (see secret-box.ts).
CREATE TABLE sync_peer_tokens (
  id                 bigserial PRIMARY KEY,
  name               text NOT NULL,
  token_hash         text NOT NULL UNIQUE,
  scopes             text[] NOT NULL,
  repository_ids     bigint[],
  signing_secret_enc text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  last_used_at       timestamptz,
  revoked_at         timestamptz
);

-- The allowlist: the only base URLs this server ever sends a request to.
CREATE TABLE sync_targets (
  id                 bigserial PRIMARY KEY,
  url                text NOT NULL UNIQUE,
  name               text NOT NULL DEFAULT '',
  token_enc          text,
  signing_secret_enc text,
  instance_uid       text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Receiver side (and puller side): (peer, entity, the peer's id) -> our id. The peer key is
-- "instance:<uid>", "token:<id>" or "address:<ip>"; a row that only shares a number with the
-- peer's id is never looked up, so it is never overwritten.
CREATE TABLE sync_id_map (
  peer_key   text NOT NULL,
  entity     text NOT NULL CHECK (entity IN ('repository','task','document')),
  remote_id  bigint NOT NULL,
  local_id   bigint NOT NULL,
  PRIMARY KEY (peer_key, entity, remote_id)
);
CREATE INDEX sync_id_map_local ON sync_id_map(peer_key, entity, local_id);

-- Sender side: (target, entity, our id) -> the receiver's id, from the receiver's answers.
CREATE TABLE sync_sent_map (
  target_id  bigint NOT NULL REFERENCES sync_targets(id) ON DELETE CASCADE,
  entity     text NOT NULL CHECK (entity IN ('repository','task','document')),
  local_id   bigint NOT NULL,
  remote_id  bigint NOT NULL,
  PRIMARY KEY (target_id, entity, local_id)
);

-- The last successful copy of a repository with a peer, by the source's server_version:
-- the next copy sends only rows above it.
CREATE TABLE sync_checkpoints (
  target_id            bigint NOT NULL REFERENCES sync_targets(id) ON DELETE CASCADE,
  direction            text NOT NULL CHECK (direction IN ('push','pull')),
  source_repository_id bigint NOT NULL,
  version              bigint NOT NULL,
  session_id           text,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (target_id, direction, source_repository_id)
);

CREATE TABLE sync_sessions (
  id                   text PRIMARY KEY,
  kind                 text NOT NULL CHECK (kind IN ('manual','scheduled')),
  direction            text NOT NULL CHECK (direction IN ('push','pull')),
  target_id            bigint REFERENCES sync_targets(id) ON DELETE SET NULL,
  peer                 text NOT NULL,
  repository_id        bigint,
  remote_repository_id bigint,
  repository_name      text NOT NULL DEFAULT '',
  document_ids         jsonb,
  clear                boolean NOT NULL DEFAULT false,
  incremental          boolean NOT NULL DEFAULT false,
  transport            text NOT NULL DEFAULT '',
  status               text NOT NULL CHECK (status IN ('in_progress','completed','failed','cancelled')),
  total_tasks          integer NOT NULL DEFAULT 0,
  completed_tasks      integer NOT NULL DEFAULT 0,
  failed_tasks         integer NOT NULL DEFAULT 0,
  total_count          integer NOT NULL DEFAULT 0,
  created_count        integer NOT NULL DEFAULT 0,
  updated_count        integer NOT NULL DEFAULT 0,
  unchanged_count      integer NOT NULL DEFAULT 0,
  deleted_count        integer NOT NULL DEFAULT 0,
  failed_count         integer NOT NULL DEFAULT 0,
  current_task         text NOT NULL DEFAULT '',
  error                text,
  started_by           text NOT NULL,
  started_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  finished_at          timestamptz
);
CREATE INDEX sync_sessions_started ON sync_sessions(started_at DESC);
CREATE INDEX sync_sessions_running ON sync_sessions(status) WHERE status = 'in_progress';

CREATE TABLE sync_items (
  id          bigserial PRIMARY KEY,
  session_id  text NOT NULL REFERENCES sync_sessions(id) ON DELETE CASCADE,
  entity      text NOT NULL CHECK (entity IN ('repository','task','document')),
  title       text NOT NULL DEFAULT '',
  status      text NOT NULL CHECK (status IN ('created','updated','unchanged','deleted','skipped','failed')),
  source_id   bigint,
  target_id   bigint,
  error       text,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_items_session ON sync_items(session_id, id);

CREATE TABLE sync_schedules (
  id              bigserial PRIMARY KEY,
  cron            text NOT NULL,
  target_id       bigint NOT NULL REFERENCES sync_targets(id) ON DELETE CASCADE,
  repository_id   bigint NOT NULL,
  direction       text NOT NULL CHECK (direction IN ('push','pull')),
  clear           boolean NOT NULL DEFAULT false,
  enabled         boolean NOT NULL DEFAULT true,
  created_by      text NOT NULL DEFAULT '',
  last_run_at     timestamptz,
  last_session_id text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Nonces of signed requests seen inside the replay window; older ones are purged.
CREATE TABLE sync_nonces (
  nonce   text PRIMARY KEY,
  seen_at timestamptz NOT NULL DEFAULT now()
);
`;
