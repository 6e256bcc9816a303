// How people see a replicated field: its label, and whether it is bookkeeping (identity,
// references, stamps, the tombstone, a version counter) that a person never edits by hand.
// Read from the field tables, so a new field gets a readable label without another list.
import type { CollectionName } from '../../replication/collection-name.js';
import { replicatedName, type FieldSpec } from './field-table.js';
import { FIELD_TABLES } from './field-tables.js';
import { VERSION } from './field-types.js';

function specOf(collection: CollectionName, field: string): { name: string; spec: FieldSpec } | null {
  for (const [name, spec] of Object.entries(FIELD_TABLES[collection] as Record<string, FieldSpec>))
    if (replicatedName(name, spec) === field) return { name, spec };
  return null;
}

/** "sort_order" → "Sort order"; a reference's "_id"/"_uid" is dropped ("task_uid" → "Task"). */
export function humanizeFieldName(name: string): string {
  const words = name
    .replace(/^_/, '')
    .replace(/_(id|uid)$/, '')
    .replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The label of `field` (its name in replicated documents) of `collection`. */
export function fieldLabel(collection: CollectionName, field: string): string {
  if (field === '_deleted') return 'Deleted';
  const found = specOf(collection, field);
  return found?.spec.label ?? humanizeFieldName(found?.name ?? field);
}

/** True for fields the app keeps (ids, references, stamps, versions), never edited by hand. */
export function isBookkeepingField(collection: CollectionName, field: string): boolean {
  if (field === 'id' || field.startsWith('_')) return true;
  const found = specOf(collection, field);
  if (!found) return false;
  return found.spec.type.role !== 'value' || found.spec.type === VERSION;
}
