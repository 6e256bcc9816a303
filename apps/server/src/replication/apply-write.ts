// The write step shared by push and resolve-conflict, once compare-and-set has decided a
// row may be written: who may write which repository, and what a write implies (a grant for
// the creator of a repository, tombstones for the contents of a deleted one).
import type { CollectionName, ReplicatedDoc, ReplicatedRepository } from '@wikisync/shared';
import type { Queryable } from '../db/database.js';
import type { Access, Principal } from '../auth/principal.js';
import { repositoryAccess } from '../auth/access.js';
import { NotFoundError } from '../errors.js';
import { tombstoneRepositoryContents } from '../repositories/repository-tombstones.js';
import { writeReplicatedDoc, type OwnerIds, type StoredDoc } from './replicated-rows.js';

export type AccessCheck = (repositoryId: number) => Promise<Access | null>;

export function accessChecker(tx: Queryable, principal: Principal): AccessCheck {
  const cache = new Map<number, Promise<Access | null>>();
  return (repositoryId) => {
    let access = cache.get(repositoryId);
    if (!access) {
      access = repositoryAccess(tx, principal, repositoryId);
      cache.set(repositoryId, access);
    }
    return access;
  };
}

/** The uids of `stored` rows in repositories the caller cannot read. */
export async function hiddenRows(check: AccessCheck, stored: Map<string, StoredDoc>): Promise<Set<string>> {
  const hidden = new Set<string>();
  for (const [uid, row] of stored) if ((await check(row.repositoryId)) === null) hidden.add(uid);
  return hidden;
}

/**
 * The weakest access the caller has to the repositories a write touches (the row's
 * current one and the one it moves to). Callers answer hidden rows and owners before this;
 * should one slip through, it is NotFound, never a Forbidden that confirms it exists.
 */
export async function writeAccess(
  check: AccessCheck,
  repositoryIds: readonly (number | null)[],
  uid: string,
): Promise<Access> {
  let weakest: Access = 'write';
  for (const id of repositoryIds) {
    if (id === null) continue;
    const access = await check(id);
    if (access === null) {
      throw new NotFoundError(`Row ${uid}`);
    }
    if (access === 'read') weakest = 'read';
  }
  return weakest;
}

/**
 * Writes `next` over `stored` (or as a new row) once compare-and-set and access have
 * passed: the shared write step of push and resolve-conflict.
 */
export async function applyReplicatedWrite(
  tx: Queryable,
  principal: Principal,
  collection: CollectionName,
  next: ReplicatedDoc,
  stored: StoredDoc | undefined,
  owners: OwnerIds,
): Promise<void> {
  const id = await writeReplicatedDoc(tx, collection, next, owners, stored ? Number(stored.doc.id) : null);
  if (collection !== 'repositories') return;
  if (!stored && !principal.isAdmin) {
    await tx.query(
      `INSERT INTO repository_grants (user_id, repository_id, access) VALUES ($1, $2, 'write')
       ON CONFLICT (user_id, repository_id) DO UPDATE SET access = 'write'`,
      [principal.userId, id],
    );
  }
  if (next._deleted && !(stored?.doc as ReplicatedRepository | undefined)?._deleted) {
    // Its tasks and documents become tombstones too, by the same rule as REST delete.
    await tombstoneRepositoryContents(tx, id);
  }
}
