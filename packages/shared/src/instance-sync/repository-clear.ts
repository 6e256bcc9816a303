import { z } from 'zod';
import { numericIdSchema } from '../common.js';

/** `POST /repository-clear`: `repository_id` is the sender's. */
export const repositoryClearRequestSchema = z.object({ repository_id: numericIdSchema });
export type RepositoryClearRequest = z.infer<typeof repositoryClearRequestSchema>;

export const repositoryClearResponseSchema = z.object({ repository_id: numericIdSchema });
export type RepositoryClearResponse = z.infer<typeof repositoryClearResponseSchema>;
