// Ownership references of pushed rows (a task's or document's `repository_uid`, a
// document's `task_uid`) must name rows the server has; they become foreign keys. A
// tombstoned owner counts as existing: it will never come back, so refusing would leave the
// client retrying the push forever, while the row itself stays harmless (and visible to the
// same readers as its repository). An owner in a repository the caller cannot read is
// reported exactly as a missing one, so that a push never confirms that a hidden row exists.
// Soft pointers (`doc_uid`, `replaced_by_uid`) are stored as
// given and need no lookup.
import type { CollectionName, ReplicatedDoc } from '@wikisync/shared';
import type { Queryable } from '../db/database.js';
import { BadRequestError, MissingReferencesError } from '../errors.js';
import type { OwnerIds } from './replicated-rows.js';

export type OwnerResolver = (doc: ReplicatedDoc) => OwnerIds;

const field = (doc: ReplicatedDoc, name: string): string | null => {
  const value = (doc as unknown as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
};

async function idsByUid(
  db: Queryable,
  table: 'repositories' | 'tasks',
  uids: Set<string>,
): Promise<Map<string, { id: number; repositoryId: number }>> {
  const found = new Map<string, { id: number; repositoryId: number }>();
  if (uids.size === 0) return found;
  const repositoryColumn = table === 'repositories' ? 'id' : 'repository_id';
  const rows = await db.query<{ id: number; uid: string; repository_id: number }>(
    `SELECT id, uid, ${repositoryColumn} AS repository_id FROM ${table}
      WHERE uid IN (SELECT jsonb_array_elements_text($1::text::jsonb))`,
    [JSON.stringify([...uids])],
  );
  for (const row of rows) found.set(row.uid, { id: Number(row.id), repositoryId: Number(row.repository_id) });
  return found;
}

/**
 * Looks up the owners of `docs` in one query per table. Throws MissingReferencesError,
 * naming every missing (or, with `canRead`, unreadable) uid, before anything is written.
 */
export async function resolveOwners(
  db: Queryable,
  collection: CollectionName,
  docs: readonly ReplicatedDoc[],
  canRead: (repositoryId: number) => Promise<boolean> = async () => true,
): Promise<OwnerResolver> {
  if (collection === 'repositories') return () => ({ repositoryId: null, taskId: null });
  const repositoryUids = new Set(docs.map((doc) => field(doc, 'repository_uid')!));
  const taskUids = new Set(
    collection === 'documents' ? docs.map((doc) => field(doc, 'task_uid')).filter((uid) => uid !== null) : [],
  );
  const repositories = await idsByUid(db, 'repositories', repositoryUids);
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
  return (doc) => {
    const taskUid = field(doc, 'task_uid');
    return {
      repositoryId: repositories.get(field(doc, 'repository_uid')!)!.id,
      taskId: taskUid === null ? null : tasks.get(taskUid)!.id,
    };
  };
}
