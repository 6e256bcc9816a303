import { z } from 'zod';
import { numericIdSchema } from '../common.js';

/** `POST /task-update-docid`: both ids are the receiver's. */
export const taskUpdateDocIdRequestSchema = z.object({
  task_id: numericIdSchema,
  document_id: numericIdSchema,
});
export type TaskUpdateDocIdRequest = z.infer<typeof taskUpdateDocIdRequestSchema>;

export const taskUpdateDocIdResponseSchema = taskUpdateDocIdRequestSchema;
export type TaskUpdateDocIdResponse = z.infer<typeof taskUpdateDocIdResponseSchema>;
