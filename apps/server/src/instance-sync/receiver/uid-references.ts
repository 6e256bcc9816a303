// References a row carries by uid (ours, the `references` capability): a task's document
// (`doc_uid`) and the task it runs after (`run_after_uid`), a document's newer version
// (`replaced_by_uid`), each beside the sender's id of the target. They are written by the
// row's own insert or update (row-apply.ts) instead of by a link afterwards, which for a full
// push of 10,000 tasks was a lookup of every target and an update of every task under the
// repository's lock, and for its documents a last request of its own.
//
// The uid a reference is written with: the one the target has here when the sender's id of it
// is mapped; else the sender's, which the target takes when it arrives (and if it must take
// another, row-apply.ts renames the references to it in its repository). When that uid is held
// by a row of another repository, the reference is linked by the sender's id instead, as a
// link would be (links.ts), so that no row points into another repository.
import type { Queryable } from '../../db/database.js';
import { lookupMappedRows } from '../wire/id-map.js';
import { uidOwners, type LinkField } from './links.js';

/** The references a row may carry by uid: the row's column, and what it points at. */
export const UID_REFERENCES = {
  doc: { column: 'doc_uid', target: 'document', table: 'documents' },
  run_after: { column: 'run_after_uid', target: 'task', table: 'tasks' },
  replaced_by: { column: 'replaced_by_uid', target: 'document', table: 'documents' },
} as const satisfies Partial<Record<LinkField, unknown>>;
export type UidReferenceField = keyof typeof UID_REFERENCES;
export type UidReferenceColumn = (typeof UID_REFERENCES)[UidReferenceField]['column'];
/** The references each table's rows may carry by uid. */
export const UID_REFERENCES_OF = {
  tasks: ['doc', 'run_after'],
  documents: ['replaced_by'],
} as const satisfies Record<'tasks' | 'documents', readonly UidReferenceField[]>;

/** One reference as a row carries it: the sender's uid of the target (null: none) and id. */
export interface UidReference {
  uid: string | null;
  remoteId: number | null;
}

/** Per field, per sender id of the row: the references the rows of a batch carry. */
export type UidReferences = Record<UidReferenceField, Map<number, UidReference>>;

export function emptyUidReferences(): UidReferences {
  return { doc: new Map(), run_after: new Map(), replaced_by: new Map() };
}

/**
 * Settles the uid each reference of `field` is written with (see above), in place. Answers,
 * by the sender's id of the row, the references to link by the sender's id of their target
 * instead; one that can be neither (no id to link by) is dropped and leaves the row's
 * reference as it is.
 */
export async function resolveUidReferences(
  tx: Queryable,
  peerKey: string,
  localRepositoryId: number,
  field: UidReferenceField,
  references: Map<number, UidReference>,
): Promise<Map<number, number>> {
  if (references.size === 0) return new Map();
  const { target, table } = UID_REFERENCES[field];
  const all = [...references.values()];
  const ids = [...new Set(all.filter((ref) => ref.remoteId !== null).map((ref) => ref.remoteId!))];
  const uids = [...new Set(all.filter((ref) => ref.uid !== null).map((ref) => ref.uid!))];
  const [mapped, owners] = await Promise.all([
    lookupMappedRows(tx, peerKey, target, ids, localRepositoryId),
    uidOwners(tx, table, uids),
  ]);
  return settleUids(references, mapped, owners, localRepositoryId);
}

/**
 * `resolveUidReferences` once its targets are read: a function of its own, so that its loop
 * over a batch's rows does not make the engine compile the async function around it.
 */
function settleUids(
  references: Map<number, UidReference>,
  mapped: ReadonlyMap<number, { uid: string }>,
  owners: Awaited<ReturnType<typeof uidOwners>>,
  localRepositoryId: number,
): Map<number, number> {
  const byId = new Map<number, number>();
  for (const [rowId, ref] of references) {
    if (ref.uid === null) continue;
    const here = ref.remoteId === null ? undefined : mapped.get(ref.remoteId);
    if (here) {
      ref.uid = here.uid;
      continue;
    }
    const owner = owners.get(ref.uid);
    if (owner === undefined || owner.repositoryId === localRepositoryId) continue;
    if (ref.remoteId !== null) byId.set(rowId, ref.remoteId);
    else references.delete(rowId);
  }
  return byId;
}

/**
 * Which references a row of `table` written under a uid other than the one its sender gave
 * it may be named by: the columns whose sender's uid must become the row's uid here.
 */
export const RENAMED_REFERENCES: Record<
  'tasks' | 'documents',
  readonly { table: 'tasks' | 'documents'; column: UidReferenceColumn }[]
> = {
  documents: [
    { table: 'tasks', column: UID_REFERENCES.doc.column },
    { table: 'documents', column: UID_REFERENCES.replaced_by.column },
  ],
  tasks: [{ table: 'tasks', column: UID_REFERENCES.run_after.column }],
};
