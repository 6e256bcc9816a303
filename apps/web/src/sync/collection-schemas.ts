// RxDB schemas of the three replicated collections. Their properties come from the field
// tables (packages/shared/src/model/fields), so they mirror the replicated documents exactly:
// every field is replicated, and `id` is the server's number (null until the server has seen
// the row).
import type { RxJsonSchema } from 'rxdb/plugins/core';
import {
  COMPARED_FIELDS,
  FIELD_TABLES,
  replicatedJsonProperties,
  type CollectionName,
  type ReplicatedDocument,
  type ReplicatedRepository,
  type ReplicatedTask,
} from '@wikisync/shared';

/** A replicated document as RxDB stores it: `_deleted` is RxDB's own field, not a property. */
export type LocalDoc<T> = Omit<T, '_deleted'>;
export type RepositoryDoc = LocalDoc<ReplicatedRepository>;
export type TaskDoc = LocalDoc<ReplicatedTask>;
export type DocumentDoc = LocalDoc<ReplicatedDocument>;

/** Every replicated field is required; the list is the one the server compares by. */
function requiredFields(collection: CollectionName): string[] {
  // `_deleted` is RxDB's own flag, not a schema property; `id` is the server's number.
  return ['id', ...COMPARED_FIELDS[collection].filter((field) => field !== '_deleted')];
}

// A schema's content is part of every replica written with it: RxDB refuses to open a
// replica whose stored schema differs from the app's at the same version. So a change to a
// replicated field needs the next version and a migration, and collection-schemas.test.ts
// holds each version's content to say so.
function collectionSchema<Doc extends { uid: string }>(
  collection: CollectionName,
  version: number,
  indexes?: string[][],
): RxJsonSchema<Doc> {
  const schema = {
    title: collection,
    version,
    primaryKey: 'uid',
    type: 'object',
    additionalProperties: false,
    // Each property's JSON Schema is its field kind's (field-types.ts in the shared package).
    properties: replicatedJsonProperties(FIELD_TABLES[collection]),
    required: requiredFields(collection),
    ...(indexes ? { indexes } : {}),
  };
  // The properties come from a field table, which TypeScript cannot tie to `Doc`;
  // collection-schemas.test.ts checks that they are the document's fields.
  return schema as unknown as RxJsonSchema<Doc>;
}

export const repositorySchema = collectionSchema<RepositoryDoc>('repositories', 0);

// 1: `run_after` (a time) became `run_after_uid`, the task that must finish first.
export const taskSchema = collectionSchema<TaskDoc>('tasks', 1, [['repository_uid', 'sort_order']]);

export const documentSchema = collectionSchema<DocumentDoc>('documents', 0, [
  ['repository_uid', 'sort_order'],
]);

/**
 * How a replica written by an older app reaches the current schema: one strategy per version
 * above 0 (RxDB refuses to open a collection whose map misses a step). RxDB migrates the
 * replication's record of the server state (the assumed master) with the same strategy, so a
 * migrated document that was edited offline still differs from it and is still pushed after
 * the upgrade, and one that was not does not get pushed again (test/replication/schema-upgrade.test.ts).
 * A strategy must produce what the server holds for the same row after its own migration.
 */
export const repositoryMigrations = {};

export const documentMigrations = {};

export const taskMigrations = {
  // The old run_after held a time, which names no task; the server dropped those values in
  // the same change (migration 005), so the replica and the server agree on null.
  1: (old: Record<string, unknown>) => {
    const { run_after: _time, ...task } = old;
    return { ...task, run_after_uid: null };
  },
};
