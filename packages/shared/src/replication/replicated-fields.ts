// Which fields replication compares, in one place, so that the server's compare-and-set and
// the client's conflict handler agree on what "the same document" means.
import type { CollectionName } from './collection-name.js';
import { comparedFields } from '../model/fields/field-table.js';
import { FIELD_TABLES } from '../model/fields/field-tables.js';
import type { ReplicatedRepository } from './replicated-repository.js';
import type { ReplicatedTask } from './replicated-task.js';
import type { ReplicatedDocument } from './replicated-document.js';

export type ReplicatedDoc = ReplicatedRepository | ReplicatedTask | ReplicatedDocument;
export interface ReplicatedDocByCollection {
  repositories: ReplicatedRepository;
  tasks: ReplicatedTask;
  documents: ReplicatedDocument;
}

/**
 * Every field a client writes, `_deleted` included; `id` is the server's and never compared.
 * From the field tables, in their order.
 */
export const COMPARED_FIELDS = {
  repositories: comparedFields(FIELD_TABLES.repositories),
  tasks: comparedFields(FIELD_TABLES.tasks),
  documents: comparedFields(FIELD_TABLES.documents),
} as const satisfies { [C in CollectionName]: readonly (keyof ReplicatedDocByCollection[C])[] };

/**
 * Deep equality for JSON values where object key order does not matter: jsonb hands
 * `metadata` back with its keys re-ordered, and that must not look like an edit.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const leftKeys = Object.keys(left).filter((key) => left[key] !== undefined);
  const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
  if (leftKeys.length !== rightKeys.length) return false;
  return leftKeys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
}

/** True when the two states agree on every compared field of `collection`. */
export function replicatedDocsEqual(
  collection: CollectionName,
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): boolean {
  // A missing `_deleted` means a live row, as in RxDB.
  return COMPARED_FIELDS[collection].every((field) =>
    field === '_deleted'
      ? Boolean(a[field]) === Boolean(b[field])
      : jsonEqual(a[field] ?? null, b[field] ?? null),
  );
}
