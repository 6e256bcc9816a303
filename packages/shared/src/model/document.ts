// A document (markdown written by a task) on the REST API; its fields are in
// fields/document-fields.ts.
import { z } from 'zod';
import { DOCUMENT_FIELDS } from './fields/document-fields.js';
import { createShape, responseShape, updateSchema } from './fields/zod-shapes.js';

/** A document as the REST API returns it. */
export const documentSchema = z.object(responseShape(DOCUMENT_FIELDS));
export type Document = z.infer<typeof documentSchema>;

export const documentCreateSchema = z.strictObject(createShape(DOCUMENT_FIELDS));
export type DocumentCreate = z.infer<typeof documentCreateSchema>;

export const documentUpdateSchema = updateSchema(DOCUMENT_FIELDS);
export type DocumentUpdate = z.infer<typeof documentUpdateSchema>;
