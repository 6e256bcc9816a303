import type { z } from 'zod';
import type { CollectionName } from './collection-name.js';
import { replicatedRepositorySchema } from './replicated-repository.js';
import { replicatedTaskSchema } from './replicated-task.js';
import { replicatedDocumentSchema } from './replicated-document.js';

/** The document schema of each collection, for code that is generic over collections. */
export const REPLICATED_DOC_SCHEMAS = {
  repositories: replicatedRepositorySchema,
  tasks: replicatedTaskSchema,
  documents: replicatedDocumentSchema,
} as const satisfies Record<CollectionName, z.ZodType>;
