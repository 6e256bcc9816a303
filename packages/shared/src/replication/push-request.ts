import { z } from 'zod';
import { REPLICATION_MAX_BATCH } from './collection-name.js';
import { replicatedRepositorySchema } from './replicated-repository.js';
import { replicatedTaskSchema } from './replicated-task.js';
import { replicatedDocumentSchema } from './replicated-document.js';

const rowsOf = <T extends z.ZodType>(doc: T) =>
  z
    .array(z.strictObject({ assumed_master_state: doc.nullable().default(null), new_document_state: doc }))
    .max(REPLICATION_MAX_BATCH, `must hold at most ${REPLICATION_MAX_BATCH} rows; split the push`);

/** `POST /api/v1/sync/push`: one collection, up to 1000 compare-and-set rows. */
export const pushRequestSchema = z.discriminatedUnion('collection', [
  z.strictObject({ collection: z.literal('repositories'), rows: rowsOf(replicatedRepositorySchema) }),
  z.strictObject({ collection: z.literal('tasks'), rows: rowsOf(replicatedTaskSchema) }),
  z.strictObject({ collection: z.literal('documents'), rows: rowsOf(replicatedDocumentSchema) }),
]);
export type PushRequest = z.infer<typeof pushRequestSchema>;
export type PushRow<Doc> = { assumed_master_state: Doc | null; new_document_state: Doc };
