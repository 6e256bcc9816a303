// `POST /api/v1/sync/resolve-conflict`: apply a user's choice if the server row is still
// the one they looked at (`base`), else 409 with the current row so they can look again.
// A row the caller cannot read is treated as one the server does not have (as in push.ts),
// so that resolving never confirms that a hidden row exists.
import {
  replicatedDocsEqual,
  type ReplicatedDoc,
  type ResolveConflictRequest,
  type ResolveConflictResponse,
} from '@wikisync/shared';
import { type Database, writeTransaction } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { loadStoredDocs } from './replicated-rows.js';
import { lockReplicatedRows } from './row-locks.js';
import { resolveOwners } from './owner-lookup.js';
import { accessChecker, applyReplicatedWrite, hiddenRows, writeAccess } from './apply-write.js';
import { logResolution } from './conflict-log.js';

export async function resolveConflict(
  db: Database,
  principal: Principal,
  request: ResolveConflictRequest,
  logRetentionDays: number,
): Promise<ResolveConflictResponse> {
  const { collection, uid, resolution } = request;
  const document = request.document as ReplicatedDoc | undefined;
  const base = request.base as ReplicatedDoc | null;
  if (resolution !== 'server' && !document) {
    throw new BadRequestError(`document: required for resolution "${resolution}"; send the state to keep.`);
  }
  for (const [name, doc] of [
    ['document', document],
    ['base', base],
    ['local', request.local],
  ] as const) {
    if (doc && doc.uid !== uid)
      throw new BadRequestError(`${name}.uid must be ${uid}, the row being resolved.`);
  }

  return writeTransaction(db, async (tx) => {
    const check = accessChecker(tx, principal);
    // The row stays locked from this compare to the write below.
    const { stored, repositoryIds } = await lockReplicatedRows(
      tx,
      collection,
      [uid],
      document ? [document] : [],
    );
    const hidden = (await hiddenRows(check, stored)).has(uid);
    const current = hidden ? undefined : stored.get(uid);
    const writes =
      resolution !== 'server' &&
      document !== undefined &&
      !(current && replicatedDocsEqual(collection, current.doc, document));
    // Without a row the caller can read, the only thing to resolve is a row they create (base
    // null). Anything else is about a row that does not exist for them: 404, and nothing is
    // logged, so the log holds only entries about rows their readers can see. A uid taken by
    // a hidden row is answered the same way; see push.ts on what that reveals.
    if (!current && (hidden || base !== null || !writes))
      throw new NotFoundError(`Row ${uid} of ${collection}`);
    const unchanged = current
      ? base !== null && replicatedDocsEqual(collection, current.doc, base)
      : base === null;
    if (!unchanged) {
      throw new ConflictError(
        `The server's ${collection} row ${uid} changed since you looked at it; review the current state and choose again.`,
        current ? current.doc : null,
      );
    }
    let result: ReplicatedDoc | null = current ? current.doc : null;
    let repositoryId = current?.repositoryId ?? null;
    if (writes && document) {
      const owners = (
        await resolveOwners(
          tx,
          collection,
          [document],
          async (id) => (await check(id)) !== null,
          () => current?.doc,
          repositoryIds,
        )
      )(document);
      const access = await writeAccess(check, [current?.repositoryId ?? null, owners.repositoryId], uid);
      if (access === 'read') {
        throw new ForbiddenError(
          `You may only read the repository of ${collection} row ${uid}; keep the server's state.`,
        );
      }
      await applyReplicatedWrite(tx, principal, collection, document, current, owners);
      const written = (await loadStoredDocs(tx, collection, [uid])).get(uid)!;
      result = written.doc;
      repositoryId = written.repositoryId;
    }
    const conflictId = await logResolution(
      tx,
      principal,
      {
        collection,
        uid,
        repositoryId,
        resolution,
        base,
        local: request.local ?? document ?? null,
        server: current ? current.doc : null,
        result,
        hunks: request.hunks,
      },
      logRetentionDays,
    );
    return { conflict_id: conflictId, document: result };
  });
}
