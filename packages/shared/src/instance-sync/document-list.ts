import { z } from 'zod';
import { numericIdSchema } from '../common.js';

/** `GET /document-list?repository_id=R` (source): latest versions; `status` is the task's. */
export const documentListQuerySchema = z.object({ repository_id: numericIdSchema });

export const remoteDocumentSchema = z.object({
  document_id: numericIdSchema,
  repository_id: numericIdSchema,
  task_id: numericIdSchema.nullish(),
  title: z.string(),
  status: z.string().nullish(),
  created_at: z.string().nullish(),
});
export type RemoteDocument = z.infer<typeof remoteDocumentSchema>;

export const documentListResponseSchema = z.array(remoteDocumentSchema);
