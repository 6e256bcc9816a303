import { z } from 'zod';
import { uidSchema } from '../common.js';
import { replicatedRepositorySchema } from './replicated-repository.js';
import { replicatedTaskSchema } from './replicated-task.js';
import { replicatedDocumentSchema } from './replicated-document.js';
import { conflictHunksSchema } from './conflict-hunk.js';

export const CONFLICT_RESOLUTIONS = ['local', 'server', 'merged'] as const;

const requestOf = <C extends string, T extends z.ZodType>(collection: C, doc: T) =>
  z.strictObject({
    collection: z.literal(collection),
    uid: uidSchema,
    resolution: z.enum(CONFLICT_RESOLUTIONS, { message: 'must be "local", "server" or "merged"' }),
    /** The state to keep, for "local" and "merged". */
    document: doc.optional(),
    /** The server state the user looked at (null: the server had no such row). */
    base: doc.nullable(),
    /** The user's own version, kept in the log; defaults to `document`. */
    local: doc.nullable().optional(),
    /** The colliding line hunks of long text fields and how each was decided, for the log.
     * Optional: older clients send none. */
    hunks: conflictHunksSchema.optional(),
  });

/** `POST /api/v1/sync/resolve-conflict` */
export const resolveConflictRequestSchema = z.discriminatedUnion('collection', [
  requestOf('repositories', replicatedRepositorySchema),
  requestOf('tasks', replicatedTaskSchema),
  requestOf('documents', replicatedDocumentSchema),
]);
export type ResolveConflictRequest = z.infer<typeof resolveConflictRequestSchema>;
export type ConflictResolution = (typeof CONFLICT_RESOLUTIONS)[number];
