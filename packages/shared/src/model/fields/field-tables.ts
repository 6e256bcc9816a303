// The field table of each entity by its collection name, which is also the name of its table
// on the server: for code that is generic over entities.
import type { CollectionName } from '../../replication/collection-name.js';
import type { FieldTable } from './field-table.js';
import { DOCUMENT_FIELDS } from './document-fields.js';
import { REPOSITORY_FIELDS } from './repository-fields.js';
import { TASK_FIELDS } from './task-fields.js';

export const FIELD_TABLES = {
  repositories: REPOSITORY_FIELDS,
  tasks: TASK_FIELDS,
  documents: DOCUMENT_FIELDS,
} as const satisfies Record<CollectionName, FieldTable>;
