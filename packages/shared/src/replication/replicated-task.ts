import { z } from 'zod';
import { TASK_FIELDS } from '../model/fields/task-fields.js';
import { replicatedShape } from '../model/fields/zod-shapes.js';

/**
 * A task as replication carries it (its fields: task-fields.ts): flat, keyed by `uid`, with
 * references by uid. An owner must exist on the server; a pointer sideways is stored as given.
 */
export const replicatedTaskSchema = z.strictObject(replicatedShape(TASK_FIELDS));
export type ReplicatedTask = z.infer<typeof replicatedTaskSchema>;
