// `POST /api/v1/sync/push`: compare-and-set per row, all rows in one write transaction, so a
// push is applied whole or (on a missing owner or a forbidden repository) not at all. Pushes
// run side by side; each compares and sets rows it holds locked (row-locks.ts). Under load,
// pushes that wait share a transaction (push-groups.ts), each still whole or not at all.
//
// For each row, against the server's current state S:
//   no S, live new state      → insert (a new repository grants its non-admin creator write)
//   no S, tombstone           → nothing to delete; success
//   S equals new state        → a resent push; success, nothing written
//   S equals assumed state    → update
//   otherwise                 → conflict: S goes back to the client's conflict handler
// "Equals" compares every replicated field except the server-owned `id`. A row of a
// repository the caller may only read comes back as a conflict with S (or, when the server
// has no such row, as a tombstone: "this row does not exist for you").
// Rows the caller cannot read are answered as if the server did not have them, so a push
// never confirms that a hidden row exists: an owner (repository_uid, task_uid) in a hidden
// repository is a missing reference (409, as for an unknown uid), a tombstone for a hidden
// row is a no-op, and a live row whose uid a hidden row holds comes back as a tombstone
// conflict, the answer for a row that does not exist for you. That last answer does say that
// the uid is taken, which a server-wide unique key cannot avoid; uids are random, so only
// someone who already knows a uid learns that, and nothing of the hidden row comes with it.
import {
  type CollectionName,
  replicatedDocsEqual,
  type PushRequest,
  type ReplicatedDoc,
} from '@wikisync/shared';
import { type Database, type Queryable, writeTransaction } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { BadRequestError } from '../errors.js';
import { lockReplicatedRows } from './row-locks.js';
import { resolveOwners } from './owner-lookup.js';
import { accessChecker, applyReplicatedWrite, hiddenRows, writeAccess } from './apply-write.js';

type PushRow = {
  assumed_master_state: ReplicatedDoc | null;
  new_document_state: ReplicatedDoc;
};

/** A push's rows once checked: each uid once, both states of a row naming the same uid. */
export interface CheckedPush {
  collection: CollectionName;
  rows: PushRow[];
  uids: string[];
}

/** Checks what can be checked without the database; a 400 names the row to fix. */
export function checkPush(request: PushRequest): CheckedPush {
  const rows = request.rows as PushRow[];
  const seen = new Set<string>();
  for (const row of rows) {
    const uid = row.new_document_state.uid;
    if (seen.has(uid))
      throw new BadRequestError(`rows: uid ${uid} appears twice; send each row once per push.`);
    seen.add(uid);
    if (row.assumed_master_state && row.assumed_master_state.uid !== uid) {
      throw new BadRequestError(
        `rows: assumed_master_state of ${uid} has another uid; both states must name one row.`,
      );
    }
  }
  return { collection: request.collection, rows, uids: [...seen] };
}

export async function pushRows(
  db: Database,
  principal: Principal,
  request: PushRequest,
): Promise<ReplicatedDoc[]> {
  const push = checkPush(request);
  if (push.rows.length === 0) return [];
  return writeTransaction(db, (tx) => writePush(tx, principal, push));
}

/**
 * Compare-and-set of a checked push inside the caller's write transaction: the conflicts, or
 * a throw (missing owner, forbidden repository) after which the transaction must roll back.
 */
export async function writePush(
  tx: Queryable,
  principal: Principal,
  { collection, rows, uids }: CheckedPush,
): Promise<ReplicatedDoc[]> {
  if (rows.length === 0) return [];
  const check = accessChecker(tx, principal);
  const { stored, repositoryIds } = await lockReplicatedRows(
    tx,
    collection,
    uids,
    rows.map((row) => row.new_document_state),
  );
  const hidden = await hiddenRows(check, stored);
  // Rows that would write nothing need no owners: a tombstone for a row the server never had.
  const writing = rows.filter((row) => {
    const { uid, _deleted: deleted } = row.new_document_state;
    return (stored.has(uid) && !hidden.has(uid)) || !deleted;
  });
  const ownersOf = await resolveOwners(
    tx,
    collection,
    writing.map((row) => row.new_document_state),
    async (repositoryId) => (await check(repositoryId)) !== null,
    (uid) => stored.get(uid)?.doc,
    repositoryIds,
  );
  const conflicts: ReplicatedDoc[] = [];
  // Rows of tasks and documents are written without waiting for one another: owners and
  // access were settled above, so no row's write depends on another's, and the statements go
  // to the database back to back in one round trip. A repository's write (its grant, its
  // cascade) is awaited before the next row. Each write is caught at once (a rejection
  // waiting for the loop's end must not go unhandled) and awaited in order at the end, so
  // the first failure in push order is the one thrown.
  const writes: Promise<void>[] = [];
  for (const row of rows) {
    const next = row.new_document_state;
    const current = stored.get(next.uid);
    if ((!current || hidden.has(next.uid)) && next._deleted) continue;
    if (hidden.has(next.uid)) {
      conflicts.push({ ...next, id: null, _deleted: true });
      continue;
    }
    // Access first: a row of an invisible repository must not come back as a "conflict".
    const owners = ownersOf(next);
    const access = await writeAccess(check, [current?.repositoryId ?? null, owners.repositoryId], next.uid);
    if (current && replicatedDocsEqual(collection, current.doc, next)) continue;
    const assumed = row.assumed_master_state;
    if (current && !(assumed && replicatedDocsEqual(collection, current.doc, assumed))) {
      conflicts.push(current.doc);
      continue;
    }
    if (access === 'read') {
      conflicts.push(current ? current.doc : { ...next, id: null, _deleted: true });
      continue;
    }
    const write = applyReplicatedWrite(tx, principal, collection, next, current, owners);
    if (collection === 'repositories') await write;
    else {
      write.catch(() => {});
      writes.push(write);
    }
  }
  for (const write of writes) await write;
  return conflicts;
}
