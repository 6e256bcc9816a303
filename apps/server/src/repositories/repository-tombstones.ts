// Tombstoning a repository's contents: the one rule behind REST delete, a replicated
// repository tombstone and instance sync's `repository-clear`.
//
// Rows are never removed, only marked `deleted`, because replicas and later copies learn
// about a deletion from the tombstone itself. The rule, and why each part of it:
// - `deleted = true` on every live document and task of the repository;
// - `updated_at = now()`, so the tombstone is a newer change than the live row a replica or a
//   peer still holds: conflict logic and "changed since" reads compare this timestamp, and a
//   tombstone that kept the old one would look like no change at all;
// - tasks drop `doc_uid`: their document is tombstoned in the same statement batch, and a
//   task left pointing at a deleted document would carry a dangling link into every copy
//   (and back into view should the task ever be written live again).
// Rows that are already tombstones are left alone, so their `updated_at` keeps recording
// when they were deleted.
import type { Queryable } from '../db/database.js';
import { lockRepository } from '../db/repository-locks.js';

export async function tombstoneRepositoryContents(tx: Queryable, repositoryId: number): Promise<void> {
  // Every row of the repository changes: no other writer of it may decide on the old state.
  await lockRepository(tx, repositoryId);
  await tx.query(
    'UPDATE documents SET deleted = true, updated_at = now() WHERE repository_id = $1 AND NOT deleted',
    [repositoryId],
  );
  await tx.query(
    'UPDATE tasks SET deleted = true, doc_uid = NULL, updated_at = now() WHERE repository_id = $1 AND NOT deleted',
    [repositoryId],
  );
}
