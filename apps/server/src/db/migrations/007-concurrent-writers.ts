import { WRITE_LOCK_KEY } from '../database.js';

// Concurrent writers: versions without a global write lock
// --------------------------------------------------------
// Until now every writer of repositories, tasks and documents drew its server_version under
// one advisory lock (migration 001), so versions became visible in increasing order and the
// changes feed could never skip a row, at the price of one writer at a time.
//
// From here on writers draw from the sequence freely, and the feed serves only versions below
// the *version horizon*: the smallest version some transaction could still commit. To make
// that horizon readable, every transaction registers itself before its first draw: the
// stamping trigger reads the next value the sequence would give (`floor`), takes a shared
// transaction-scoped advisory lock whose key carries that floor, and only then draws. A
// transaction's draws all come after its registration, so none is below its floor; and
// PostgreSQL releases the lock only after the commit (or rollback) is visible to new
// snapshots. `wikisync_version_horizon()` reads the sequence first, then the registered
// floors of this database from pg_locks, and returns the smaller: every version below it
// belongs to a transaction that had ended when the function returned. The proof, and why it
// holds on PGlite, is in apps/server/src/replication/changes-feed.ts.
//
// - The floor is kept in a transaction-local setting, so a transaction registers once, not per
//   row. A savepoint rolled back after the first draw undoes the setting and the lock together
//   (and the rows); the next draw registers again.
// - Locks are shared, so writers that read the same floor never wait for one another; nothing
//   takes them exclusively.
// - Keys are TAG·2^48 + floor (the single-bigint form, pg_locks' objsubid 1): the tag keeps
//   them apart from every other advisory lock of the project, which use small keys or the
//   two-integer form. Floors must stay below 2^48, some 2.8·10^14 row writes.
// - The sequence must hand out values in the order they are drawn: CACHE 1 (the default,
//   pinned here). With a per-session cache a later draw could be below an earlier floor.
// - The sequence is renamed so that a transaction still running the old trigger body (an older
//   server process mid-write while this migration runs) fails instead of drawing a version it
//   never registered. This migration first takes the old lock, so every writer of the old
//   scheme has ended before the new one starts. Stop older server processes before upgrading:
//   their changes feed does not look at the horizon.
export const VERSION_FLOOR_TAG = 0x7319;
const TAG_BASE = BigInt(VERSION_FLOOR_TAG) << 48n;
const FLOOR_LIMIT = 1n << 48n;

export const concurrentWritersSchema = `
SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY});

ALTER SEQUENCE server_version_seq RENAME TO server_version_counter;
ALTER SEQUENCE server_version_counter CACHE 1;

CREATE OR REPLACE FUNCTION wikisync_stamp_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  version_floor bigint;
BEGIN
  IF coalesce(current_setting('wikisync.version_floor', true), '') = '' THEN
    SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END INTO version_floor
      FROM public.server_version_counter;
    IF version_floor >= ${FLOOR_LIMIT} THEN
      RAISE EXCEPTION 'server_version % is past the registrable range (2^48)', version_floor;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(${TAG_BASE} + version_floor);
    PERFORM set_config('wikisync.version_floor', version_floor::text, true);
  END IF;
  NEW.server_version := nextval('public.server_version_counter');
  RETURN NEW;
END
$fn$;

CREATE FUNCTION wikisync_version_horizon() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  next_version bigint;
  oldest_floor bigint;
BEGIN
  -- The sequence first, the registrations second: the order the proof needs.
  SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END INTO next_version
    FROM public.server_version_counter;
  SELECT min(((l.classid::bigint & 65535) << 32) | l.objid::bigint) INTO oldest_floor
    FROM pg_catalog.pg_locks l
   WHERE l.locktype = 'advisory' AND l.objsubid = 1
     AND l.classid::bigint >> 16 = ${VERSION_FLOOR_TAG}
     AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database());
  RETURN LEAST(next_version, coalesce(oldest_floor, next_version));
END
$fn$;
`;
