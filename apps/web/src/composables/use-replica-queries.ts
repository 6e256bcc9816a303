// The reads pages make, by name: repositories, one repository, a repository's tasks and
// documents, one document. Each is live (see use-replica-query.ts) and returns plain rows, so
// pages and components never write an RxDB query or hold the replica.
import { computed, toValue, type ComputedRef, type MaybeRefOrGetter, type Ref } from 'vue';
import type { DocumentDoc, RepositoryDoc, TaskDoc } from '../sync';
import { idSelector, useReplicaQuery } from './use-replica-query';

/** Rows of a list; `ready` turns true once the first result arrived. */
export interface LiveRows<T> {
  rows: Ref<T[]>;
  ready: Ref<boolean>;
}

/** One row, or null while loading or when it is not in the replica (`ready` tells which). */
export interface LiveRow<T> {
  row: ComputedRef<T | null>;
  ready: Ref<boolean>;
}

function single<T>(query: LiveRows<T>): LiveRow<T> {
  return { row: computed(() => query.rows.value[0] ?? null), ready: query.ready };
}

export function useRepositories(): LiveRows<RepositoryDoc> {
  return useReplicaQuery<RepositoryDoc>((replica) => replica.collections.repositories.find());
}

/** `routeParam` is the repository's numeric id or its uid, as in the URL. */
export function useRepository(routeParam: MaybeRefOrGetter<string>): LiveRow<RepositoryDoc> {
  return single(
    useReplicaQuery<RepositoryDoc>((replica) =>
      replica.collections.repositories.findOne({ selector: idSelector(toValue(routeParam)) }),
    ),
  );
}

/** The repository's tasks; empty while its uid is not known yet. */
export function useTasks(repositoryUid: MaybeRefOrGetter<string | null | undefined>): LiveRows<TaskDoc> {
  return useReplicaQuery<TaskDoc>((replica) => {
    const uid = toValue(repositoryUid);
    return uid ? replica.collections.tasks.find({ selector: { repository_uid: uid } }) : null;
  });
}

/** The repository's documents; empty while its uid is not known yet. */
export function useDocuments(
  repositoryUid: MaybeRefOrGetter<string | null | undefined>,
): LiveRows<DocumentDoc> {
  return useReplicaQuery<DocumentDoc>((replica) => {
    const uid = toValue(repositoryUid);
    return uid ? replica.collections.documents.find({ selector: { repository_uid: uid } }) : null;
  });
}

/** `routeParam` is the document's numeric id or its uid, as in the URL. */
export function useDocument(routeParam: MaybeRefOrGetter<string>): LiveRow<DocumentDoc> {
  return single(
    useReplicaQuery<DocumentDoc>((replica) =>
      replica.collections.documents.findOne({ selector: idSelector(toValue(routeParam)) }),
    ),
  );
}

export type { DocumentDoc, RepositoryDoc, TaskDoc } from '../sync';
