import { z } from 'zod';

/**
 * Where a client stands in one collection's changes feed. Always an object, never a bare
 * number: RxDB stores checkpoints as documents.
 */
export const checkpointSchema = z.object({
  server_version: z.int().min(0, 'must be 0 or more'),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;
