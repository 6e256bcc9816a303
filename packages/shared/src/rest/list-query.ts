import { z } from 'zod';
import { numericIdSchema } from '../common.js';

/** Query string of every REST list: `?limit=&offset=` plus optional parent filters. */
export const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  repository_id: numericIdSchema.optional(),
  task_id: numericIdSchema.optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
