import { z } from 'zod';

/** The `data` of a resolve-conflict that applied: the row as the server now has it. */
export const resolveConflictResponseSchema = z.object({
  conflict_id: z.int(),
  document: z.record(z.string(), z.unknown()).nullable(),
});
export type ResolveConflictResponse = z.infer<typeof resolveConflictResponseSchema>;
