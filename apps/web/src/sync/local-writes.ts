// The app's writes to the replica: creating, changing and deleting tasks and documents,
// online or not. Each write is an ordinary RxDB write; replication pushes it when it can.
// Rows made here get a UUIDv7 uid (time-ordered, unique without the server), no `id` until
// the server has seen them, and the field tables' defaults for what the caller leaves out.
import { DOCUMENT_FIELDS, replicatedDefaults, TASK_FIELDS, type FieldTable } from '@wikisync/shared';
import type { Replica } from './replica';
import type { DocumentDoc, RepositoryDoc, TaskDoc } from './collection-schemas';

export function newUid(now = Date.now()): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let time = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const nowIso = () => new Date().toISOString();

/** A new row of the repository: the table's defaults, a fresh uid, no server id yet. */
function newRow<Table extends FieldTable>(table: Table, repository: RepositoryDoc) {
  const now = nowIso();
  return {
    ...replicatedDefaults(table),
    uid: newUid(),
    id: null,
    repository_uid: repository.uid,
    created_at: now,
    updated_at: now,
  };
}

/** What the caller of a create gives: a title, and any field it does not leave to the defaults. */
type NewFields<Doc> = Partial<Omit<Doc, 'uid' | 'id' | 'repository_uid'>> & { title: string };

export async function createTask(replica: Replica, repository: RepositoryDoc, fields: NewFields<TaskDoc>) {
  const task: TaskDoc = { ...newRow(TASK_FIELDS, repository), ...fields };
  await replica.collections.tasks.insert(task);
  return task;
}

export async function createDocument(
  replica: Replica,
  repository: RepositoryDoc,
  fields: NewFields<DocumentDoc>,
): Promise<DocumentDoc> {
  const document: DocumentDoc = { ...newRow(DOCUMENT_FIELDS, repository), ...fields };
  await replica.collections.documents.insert(document);
  if (document.task_uid) {
    // A new document becomes its task's current document.
    await updateTask(replica, document.task_uid, { doc_uid: document.uid });
  }
  return document;
}

export async function updateDocument(
  replica: Replica,
  uid: string,
  patch: Partial<Omit<DocumentDoc, 'uid' | 'id'>>,
): Promise<void> {
  const row = await replica.collections.documents.findOne(uid).exec();
  if (!row) throw new Error(`Document ${uid} is not in this browser's copy; it may have been deleted.`);
  await row.incrementalPatch({ ...patch, updated_at: nowIso() });
}

export async function updateTask(replica: Replica, uid: string, patch: Partial<Omit<TaskDoc, 'uid' | 'id'>>) {
  const row = await replica.collections.tasks.findOne(uid).exec();
  if (!row) throw new Error(`Task ${uid} is not in this browser's copy; it may have been deleted.`);
  await row.incrementalPatch({ ...patch, updated_at: nowIso() });
}

/** Deleting leaves a tombstone that replication carries to the server and other replicas. */
export async function deleteDocument(replica: Replica, uid: string): Promise<void> {
  const row = await replica.collections.documents.findOne(uid).exec();
  // incremental: a pull may have updated the row since it was read.
  await row?.incrementalRemove();
}

export async function deleteTask(replica: Replica, uid: string): Promise<void> {
  const row = await replica.collections.tasks.findOne(uid).exec();
  await row?.incrementalRemove();
}
