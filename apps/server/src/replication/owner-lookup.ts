// Ownership references of pushed rows (a task's or document's `repository_uid`, a
// document's `task_uid`) must name rows the server has; they become foreign keys. A
// tombstoned owner counts as existing: it will never come back, so refusing would leave the
// client retrying the push forever, while the row itself stays harmless (and visible to the
// same readers as its repository). An owner in a repository the caller cannot read is
// reported exactly as a missing one, so that a push never confirms that a hidden row exists.
// Soft pointers (a task's `doc_uid` and `run_after_uid`, a document's `replaced_by_uid`) may
// name rows the server does not have yet and are then stored as given; but a pointer to a row
// the server (or the same push) has in another repository is refused, as REST refuses it: it
// would show one repository's readers a row of another.
import {
  FIELD_TABLES,
  fieldEntries,
  replicatedName,
  type CollectionName,
  type ReplicatedDoc,
} from '@wikisync/shared';
import type { Queryable } from '../db/database.js';
import { textList } from '../db/sql-lists.js';
import { BadRequestError, MissingReferencesError } from '../errors.js';
import type { OwnerIds } from './replicated-rows.js';

export type OwnerResolver = (doc: ReplicatedDoc) => OwnerIds;
/** The server's current state of a row, by uid (undefined for a new row). */
export type StoredDocLookup = (uid: string) => ReplicatedDoc | undefined;

const field = (doc: ReplicatedDoc, name: string): string | null => {
  const value = (doc as unknown as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
};

async function idsByUid(
  db: Queryable,
  table: 'repositories' | 'tasks' | 'documents',
  uids: Set<string>,
): Promise<Map<string, { id: number; repositoryId: number }>> {
  const found = new Map<string, { id: number; repositoryId: number }>();
  if (uids.size === 0) return found;
  const repositoryColumn = table === 'repositories' ? 'id' : 'repository_id';
  const rows = await db.query<{ id: number; uid: string; repository_id: number }>(
    `SELECT x.id, x.uid, x.${repositoryColumn} AS repository_id
       FROM ${table} x JOIN ${textList('$1')} wanted ON wanted.value = x.uid`,
    [{ v: [...uids] }],
  );
  for (const row of rows) found.set(row.uid, { id: Number(row.id), repositoryId: Number(row.repository_id) });
  return found;
}

/**
 * Looks up the owners of `docs` in one query per table. Throws MissingReferencesError,
 * naming every missing (or, with `canRead`, unreadable) uid, before anything is written.
 * `knownRepositories` (uid → id, as found by the caller in this transaction) saves the
 * repositories' query; a uid it lacks counts as missing.
 */
export async function resolveOwners(
  db: Queryable,
  collection: CollectionName,
  docs: readonly ReplicatedDoc[],
  canRead: (repositoryId: number) => Promise<boolean> = async () => true,
  storedDocOf: StoredDocLookup = () => undefined,
  knownRepositories?: ReadonlyMap<string, number>,
): Promise<OwnerResolver> {
  if (collection === 'repositories') return () => ({ repositoryId: null, taskId: null });
  const repositoryUids = new Set(docs.map((doc) => field(doc, 'repository_uid')!));
  const taskUids = new Set(
    collection === 'documents' ? docs.map((doc) => field(doc, 'task_uid')).filter((uid) => uid !== null) : [],
  );
  const repositories = knownRepositories
    ? new Map(
        [...repositoryUids].flatMap((uid) => {
          const id = knownRepositories.get(uid);
          return id === undefined ? [] : [[uid, { id, repositoryId: id }] as const];
        }),
      )
    : await idsByUid(db, 'repositories', repositoryUids);
  const tasks = await idsByUid(db, 'tasks', taskUids);
  for (const found of [repositories, tasks]) {
    for (const [uid, owner] of [...found]) if (!(await canRead(owner.repositoryId))) found.delete(uid);
  }
  const missing = {
    repositories: [...repositoryUids].filter((uid) => !repositories.has(uid)).sort(),
    tasks: [...taskUids].filter((uid) => !tasks.has(uid)).sort(),
  };
  if (missing.repositories.length > 0 || missing.tasks.length > 0) throw new MissingReferencesError(missing);

  for (const doc of docs) {
    const taskUid = field(doc, 'task_uid');
    if (taskUid === null) continue;
    const task = tasks.get(taskUid)!;
    const repository = repositories.get(field(doc, 'repository_uid')!)!;
    if (task.repositoryId !== repository.id) {
      throw new BadRequestError(
        `Document ${doc.uid} names task ${taskUid}, which belongs to another repository; ` +
          'a document and its task must share repository_uid.',
      );
    }
  }
  await refuseForeignPointers(
    db,
    collection,
    docs,
    (doc) => repositories.get(field(doc, 'repository_uid')!)!.id,
    storedDocOf,
  );
  return (doc) => {
    const taskUid = field(doc, 'task_uid');
    return {
      repositoryId: repositories.get(field(doc, 'repository_uid')!)!.id,
      taskId: taskUid === null ? null : tasks.get(taskUid)!.id,
    };
  };
}

/** Each soft pointer of a collection (a reference its field table keeps by uid) and the table it points into. */
function softPointers(collection: CollectionName): [string, 'tasks' | 'documents'][] {
  return fieldEntries(FIELD_TABLES[collection]).flatMap(([name, spec]): [string, 'tasks' | 'documents'][] => {
    const target = spec.references?.by === 'uid' ? spec.references.entity : null;
    return target === 'tasks' || target === 'documents' ? [[replicatedName(name, spec)!, target]] : [];
  });
}

/**
 * Refuses a soft pointer to a document of another repository: one the server has, or one
 * of the same push (a document and the version that replaces it often travel together).
 * Only a pointer being set, or a row changing repository, is checked: a row the server
 * already holds that way (stored before this check, or whose target moved since) must stay
 * editable, or its client would retry the push for ever.
 */
async function refuseForeignPointers(
  db: Queryable,
  collection: CollectionName,
  docs: readonly ReplicatedDoc[],
  repositoryIdOf: (doc: ReplicatedDoc) => number,
  storedDocOf: StoredDocLookup,
): Promise<void> {
  for (const [pointer, table] of softPointers(collection))
    await refuseForeignPointer(db, collection, docs, repositoryIdOf, storedDocOf, pointer, table);
}

async function refuseForeignPointer(
  db: Queryable,
  collection: CollectionName,
  docs: readonly ReplicatedDoc[],
  repositoryIdOf: (doc: ReplicatedDoc) => number,
  storedDocOf: StoredDocLookup,
  pointer: string,
  table: 'tasks' | 'documents',
): Promise<void> {
  const pointing = docs.filter((doc) => {
    if (field(doc, pointer) === null) return false;
    const stored = storedDocOf(doc.uid);
    return (
      stored === undefined ||
      field(stored, pointer) !== field(doc, pointer) ||
      field(stored, 'repository_uid') !== field(doc, 'repository_uid')
    );
  });
  if (pointing.length === 0) return;
  const stored = await idsByUid(db, table, new Set(pointing.map((doc) => field(doc, pointer)!)));
  const pushed = new Map(collection === table ? docs.map((doc) => [doc.uid, repositoryIdOf(doc)]) : []);
  for (const doc of pointing) {
    const target = field(doc, pointer)!;
    const targetRepository = pushed.get(target) ?? stored.get(target)?.repositoryId;
    if (targetRepository === undefined || targetRepository === repositoryIdOf(doc)) continue;
    const what = table === 'tasks' ? 'task' : 'document';
    throw new BadRequestError(
      `${collection === 'tasks' ? 'Task' : 'Document'} ${doc.uid} names ${what} ${target} in ${pointer}, ` +
        `which belongs to another repository; point only at ${what}s of the row's own repository_uid, or send null.`,
    );
  }
}
