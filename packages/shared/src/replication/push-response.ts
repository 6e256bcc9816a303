import { z } from 'zod';

/** The `data` of a push: the current server state of every row that was not written. */
export const pushResponseSchema = z.object({
  conflicts: z.array(z.record(z.string(), z.unknown())),
});
export type PushResponse<Doc = Record<string, unknown>> = { conflicts: Doc[] };
