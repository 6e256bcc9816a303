import { z } from 'zod';
import { numericIdSchema } from '../common.js';
import { documentIdListSchema } from './wire-fields.js';

/**
 * `POST /pull-export` (source). Without `limit` it answers everything at once, as
 * openDeepWiki's puller expects. Our puller pages: `limit` rows per answer, `cursor` from the
 * previous answer's `next_cursor`, and `since_version` for an incremental copy (then
 * tombstones, `deleted: true`, are included so deletions travel).
 */
export const pullExportRequestSchema = z.object({
  repository_id: numericIdSchema,
  document_ids: documentIdListSchema.nullish(),
  since_version: z.int().min(0).optional(),
  /** The snapshot every page reads up to; set from the first answer's `checkpoint`. */
  until_version: z.int().min(0).optional(),
  cursor: z
    .string()
    .regex(/^[td]:\d{1,16}$/, 'must be a cursor from a previous answer, such as "t:0"')
    .optional(),
  limit: z.int().min(1).max(5000).optional(),
});
export type PullExportRequest = z.input<typeof pullExportRequestSchema>;

export const pullExportResponseSchema = z.object({
  repository: z.record(z.string(), z.unknown()),
  tasks: z.array(z.record(z.string(), z.unknown())),
  documents: z.array(z.record(z.string(), z.unknown())),
  /**
   * Usages of the tasks in this answer, each with the source's `task_id`. Absent from older
   * servers of ours, and then a pull leaves usages alone.
   */
  task_usages: z.array(z.record(z.string(), z.unknown())).nullish(),
  /** Ours only: paging and incremental state. */
  next_cursor: z.string().nullish(),
  checkpoint: z.number().int().optional(),
  total_tasks: z.number().int().optional(),
  total_documents: z.number().int().optional(),
  incremental: z.boolean().optional(),
});
export type PullExportResponse = z.infer<typeof pullExportResponseSchema>;
