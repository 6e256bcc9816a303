import { z } from 'zod';
import { checkpointSchema } from './checkpoint.js';

/**
 * The `data` of `GET /api/v1/sync/changes`: rows ordered by server_version, tombstones
 * included. Fewer rows than the limit means there is nothing more right now.
 */
export const changesResponseSchema = z.object({
  documents: z.array(z.record(z.string(), z.unknown())),
  checkpoint: checkpointSchema,
  has_more: z.boolean(),
});
export type ChangesResponse<Doc = Record<string, unknown>> = {
  documents: Doc[];
  checkpoint: z.infer<typeof checkpointSchema>;
  has_more: boolean;
};
