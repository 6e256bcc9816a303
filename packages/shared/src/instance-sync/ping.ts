import { z } from 'zod';

/**
 * What our receiver can do beyond openDeepWiki's per-call flow. A sender that finds no
 * capabilities (an openDeepWiki peer answers `data: null` or `{}`) uses the per-call flow.
 */
export const syncCapabilitiesSchema = z.object({
  /** `POST /batch-upsert` takes many tasks and documents per request. */
  batch: z.boolean().default(false),
  max_batch_rows: z.number().int().positive().default(500),
  max_batch_bytes: z
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024),
  /** How many batch requests the receiver is happy to take at once. */
  concurrency: z.number().int().positive().max(16).default(1),
  /** Request body encodings the receiver decodes (`Content-Encoding`). */
  compression: z.array(z.string()).default([]),
  /** `pull-export` takes `since_version`, `cursor`, `limit` and returns tombstones. */
  paged_export: z.boolean().default(false),
  /**
   * Row formats `POST /copy-upsert` takes (`copy-v1`: compact JSON lines loaded with COPY);
   * a sender that finds none sends `batch-upsert` batches.
   */
  copy: z.array(z.string()).default([]),
  /**
   * References a `batch-upsert` or `copy-upsert` row may carry by uid, set as the row is
   * written: a task's `doc_uid` (its document) and `run_after_uid` (the task it runs after), a
   * document's `replaced_by_uid` (its newer version). A sender that finds one missing sends
   * that reference by id, as before.
   */
  references: z.array(z.string()).default([]),
  /**
   * What a `batch-upsert` request may carry beyond its rows (`BATCH_REPOSITORY`,
   * `BATCH_MISSING_TASKS` in batch-upsert.ts). A sender that finds one missing upserts the
   * repository first and sends every task a document names, as before.
   */
  batch_options: z.array(z.string()).default([]),
});
export type SyncCapabilities = z.infer<typeof syncCapabilitiesSchema>;

export const pingResponseSchema = z
  .object({
    protocol_version: z.string().optional(),
    instance_uid: z.string().optional(),
    server_time: z.string().optional(),
    capabilities: syncCapabilitiesSchema.optional(),
  })
  .nullable()
  .catch(null);
export type PingResponse = z.infer<typeof pingResponseSchema>;
