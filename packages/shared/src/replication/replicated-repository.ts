import { z } from 'zod';
import { REPOSITORY_FIELDS } from '../model/fields/repository-fields.js';
import { replicatedShape } from '../model/fields/zod-shapes.js';

/**
 * A repository as replication carries it (its fields: repository-fields.ts): flat, keyed by `uid`, with
 * references by uid. An owner must exist on the server; a pointer sideways is stored as given.
 */
export const replicatedRepositorySchema = z.strictObject(replicatedShape(REPOSITORY_FIELDS));
export type ReplicatedRepository = z.infer<typeof replicatedRepositorySchema>;
