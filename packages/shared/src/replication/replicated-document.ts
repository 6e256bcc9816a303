import { z } from 'zod';
import { longTextSchema, shortTextSchema, timestampSchema, uidSchema } from '../common.js';
import { metadataSchema } from '../model/metadata-limits.js';

/**
 * A document as replication carries it. `repository_uid` and `task_uid` (when set) must exist
 * on the server; `replaced_by_uid` is a soft pointer, stored as given.
 */
export const replicatedDocumentSchema = z.strictObject({
  uid: uidSchema,
  /** The server's number; a client that created the row offline sends none (PROTOCOL.md §1). */
  id: z.int().positive().nullish(),
  repository_uid: uidSchema,
  task_uid: uidSchema.nullable(),
  title: shortTextSchema,
  filename: shortTextSchema,
  content: longTextSchema,
  language: shortTextSchema,
  sort_order: z.int().min(-2_147_483_648).max(2_147_483_647),
  version: z.int().min(1).max(2_147_483_647),
  is_latest: z.boolean(),
  replaced_by_uid: uidSchema.nullable(),
  metadata: metadataSchema,
  created_at: timestampSchema,
  updated_at: timestampSchema,
  _deleted: z.boolean(),
});
export type ReplicatedDocument = z.infer<typeof replicatedDocumentSchema>;
