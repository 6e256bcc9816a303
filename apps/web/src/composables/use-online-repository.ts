// A repository this browser does not keep offline opens online: its tasks and documents are
// read through the REST API while the browser is online and shown in the replica's row shapes,
// so the page renders them as it renders kept ones. The REST rows name every reference by the
// server's id (task_id, run_after_id); the replica's by uid (task_uid, run_after_uid): the field
// tables say which fields are references, and the uids come from the rows read together.
import { ref, watch, type Ref } from 'vue';
import {
  DOCUMENT_FIELDS,
  TASK_FIELDS,
  fieldEntries,
  replicatedName,
  type Document,
  type FieldTable,
  type Task,
  type TaskUpdate,
} from '@wikisync/shared';
import type { Tagged } from '../api/client';
import type { DocumentDoc, RepositoryDoc, TaskDoc } from '../sync';
import { errorMessage } from '../i18n/error-message';
import { useAuthStore } from '../stores/auth';

/** Rows per REST page; the server allows up to 500. */
const PAGE = 500;

type UidOf = Record<'repositories' | 'tasks' | 'documents', Map<number, string>>;

/** A REST row in the replica's shape: replicated names, owners by uid, no tombstone flag. */
export function asReplicaRow(table: FieldTable, row: Record<string, unknown>, uidOf: UidOf) {
  const out: Record<string, unknown> = {};
  for (const [field, spec] of fieldEntries(table)) {
    const name = replicatedName(field, spec);
    if (!name || name === '_deleted' || !(field in row)) continue;
    const value = row[field];
    const reference = spec.references;
    out[name] =
      reference && typeof value === 'number' ? (uidOf[reference.entity].get(value) ?? null) : (value ?? null);
  }
  return out;
}

async function readAll<T>(read: (offset: number) => Promise<{ items: T[]; total: number }>) {
  const rows: T[] = [];
  for (;;) {
    const page = await read(rows.length);
    rows.push(...page.items);
    if (page.items.length === 0 || rows.length >= page.total) return rows;
  }
}

/** Reading and writing one task of the online view by REST, for its row's editor. */
export interface OnlineTaskAccess {
  /** The task as the server has it now, with its ETag. */
  read(id: number): Promise<Tagged<Task>>;
  /** Writes if the task still has the version `etag` names (else PRECONDITION_FAILED). */
  write(id: number, patch: TaskUpdate, etag: string): Promise<Tagged<Task>>;
  /** Shows a row the server answered in place of the one listed. */
  show(row: Task): void;
}

export interface OnlineRepository {
  tasks: Ref<TaskDoc[]>;
  documents: Ref<DocumentDoc[]>;
  /** True once the rows were read (false again while a new read runs). */
  ready: Ref<boolean>;
  error: Ref<string | null>;
  taskAccess: OnlineTaskAccess;
}

/** Reads `repository`'s tasks and documents by REST whenever `active` (not kept, online). */
export function useOnlineRepository(
  repository: Ref<RepositoryDoc | null>,
  active: () => boolean,
): OnlineRepository {
  const auth = useAuthStore();
  const tasks = ref<TaskDoc[]>([]);
  const documents = ref<DocumentDoc[]>([]);
  const ready = ref(false);
  const error = ref<string | null>(null);
  let reading = 0;
  let uidOf: UidOf = { repositories: new Map(), tasks: new Map(), documents: new Map() };

  const taskAccess: OnlineTaskAccess = {
    read: (id) => auth.api.readTask(id),
    async write(id, patch, etag) {
      const tagged = await auth.api.updateTask(id, patch, etag);
      taskAccess.show(tagged.row);
      return tagged;
    },
    show(row) {
      const shown = asReplicaRow(TASK_FIELDS, row, uidOf) as unknown as TaskDoc;
      tasks.value = tasks.value.map((task) => (task.uid === shown.uid ? shown : task));
    },
  };

  watch(
    [() => repository.value?.id, active],
    async ([id, on]) => {
      const run = ++reading;
      ready.value = false;
      error.value = null;
      if (typeof id !== 'number' || !on || !repository.value) return;
      const repositoryUid = repository.value.uid;
      try {
        const [restTasks, restDocuments] = await Promise.all([
          readAll((offset) => auth.api.listTasks(id, PAGE, offset)),
          readAll((offset) => auth.api.listDocuments(id, PAGE, offset)),
        ]);
        if (run !== reading) return;
        uidOf = {
          repositories: new Map([[id, repositoryUid]]),
          tasks: new Map(restTasks.map((task) => [task.id, task.uid])),
          documents: new Map(restDocuments.map((document) => [document.id, document.uid])),
        };
        tasks.value = restTasks.map((task) => asReplicaRow(TASK_FIELDS, task, uidOf) as unknown as TaskDoc);
        documents.value = restDocuments.map(
          (document) => asReplicaRow(DOCUMENT_FIELDS, document, uidOf) as unknown as DocumentDoc,
        );
        ready.value = true;
      } catch (caught) {
        if (run === reading) error.value = errorMessage(caught);
      }
    },
    { immediate: true },
  );
  return { tasks, documents, ready, error, taskAccess };
}

/** One document read online: the replica's shape to show, the REST row, and its ETag. */
export interface OnlineDocument {
  document: Ref<DocumentDoc | null>;
  /** The REST row (numeric ids), for writing it back. */
  row: Ref<Document | null>;
  /** The version read, sent back as If-Match by a save. */
  etag: Ref<string | null>;
  error: Ref<string | null>;
  /** Shows a row the server answered (after a save, or the current one of a refused save). */
  replace(tagged: Tagged<Document>): void;
}

/**
 * One document of a repository not kept offline, read by REST while `active` (the replica
 * does not hold it and the browser is online); null while reading or absent. Going offline
 * keeps the document last read on screen (and so an open editor's text), never a blank page.
 */
export function useOnlineDocument(routeParam: () => string, active: () => boolean): OnlineDocument {
  const auth = useAuthStore();
  const document = ref<DocumentDoc | null>(null);
  const row = ref<Document | null>(null);
  const etag = ref<string | null>(null);
  const error = ref<string | null>(null);
  let reading = 0;
  let shownParam: string | null = null;

  function replace(tagged: Tagged<Document>) {
    const uidOf: UidOf = { repositories: new Map(), tasks: new Map(), documents: new Map() };
    row.value = tagged.row;
    etag.value = tagged.etag;
    document.value = asReplicaRow(DOCUMENT_FIELDS, tagged.row, uidOf) as unknown as DocumentDoc;
  }
  function clear() {
    document.value = null;
    row.value = null;
    etag.value = null;
    shownParam = null;
  }

  watch(
    [routeParam, active],
    async ([param, on]) => {
      const run = ++reading;
      error.value = null;
      if (param !== shownParam) clear();
      // Links of the online list use the server's numeric id (routeId).
      if (!on || !/^[1-9][0-9]*$/.test(param)) return;
      try {
        const tagged = await auth.api.readDocument(Number(param));
        if (run !== reading) return;
        replace(tagged);
        shownParam = param;
      } catch (caught) {
        if (run === reading) error.value = errorMessage(caught);
      }
    },
    { immediate: true },
  );
  return { document, row, etag, error, replace };
}
