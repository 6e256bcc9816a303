// The two envelopes of PROTOCOL.md: `200 {"code":"OK","data":...}` and
// `4xx/5xx {"code":"<UPPER_SNAKE>","error":"<human message>"}`.
import { z } from 'zod';
import { errorParamsSchema, validationIssueSchema } from './error-details.js';

export const okEnvelopeSchema = <T extends z.ZodType>(data: T) => z.object({ code: z.literal('OK'), data });
export type OkEnvelope<T> = { code: 'OK'; data: T };

export const errorEnvelopeSchema = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  error: z.string(),
  // Optional, for clients that say failures in their reader's language (error-details.ts).
  issues: z.array(validationIssueSchema).optional(),
  reason: z.string().optional(),
  params: errorParamsSchema.optional(),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

export const ok = <T>(data: T): OkEnvelope<T> => ({ code: 'OK', data });
