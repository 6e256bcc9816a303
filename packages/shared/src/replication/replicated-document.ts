import { z } from 'zod';
import { DOCUMENT_FIELDS } from '../model/fields/document-fields.js';
import { replicatedShape } from '../model/fields/zod-shapes.js';

/**
 * A document as replication carries it (its fields: document-fields.ts): flat, keyed by `uid`, with
 * references by uid. An owner must exist on the server; a pointer sideways is stored as given.
 */
export const replicatedDocumentSchema = z.strictObject(replicatedShape(DOCUMENT_FIELDS));
export type ReplicatedDocument = z.infer<typeof replicatedDocumentSchema>;
