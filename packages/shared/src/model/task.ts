// A task (the job that writes one document) on the REST API; its fields are in
// fields/task-fields.ts.
import { z } from 'zod';
import { TASK_FIELDS } from './fields/task-fields.js';
import { createShape, responseShape, updateSchema } from './fields/zod-shapes.js';

/** A task as the REST API returns it. */
export const taskSchema = z.object(responseShape(TASK_FIELDS));
export type Task = z.infer<typeof taskSchema>;

export const taskCreateSchema = z.strictObject(createShape(TASK_FIELDS));
export type TaskCreate = z.infer<typeof taskCreateSchema>;

export const taskUpdateSchema = updateSchema(TASK_FIELDS);
export type TaskUpdate = z.infer<typeof taskUpdateSchema>;
