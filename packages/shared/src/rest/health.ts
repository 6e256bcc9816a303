import { z } from 'zod';

export const healthSchema = z.object({
  status: z.literal('ok'),
  database: z.enum(['postgres', 'pglite']),
  protocol_version: z.string(),
  server_time: z.string(),
});
export type Health = z.infer<typeof healthSchema>;
