// A repository on the REST API; its fields are in fields/repository-fields.ts.
import { z } from 'zod';
import { numericIdSchema } from '../common.js';
import { REPOSITORY_FIELDS } from './fields/repository-fields.js';
import { createShape, responseShape, updateSchema } from './fields/zod-shapes.js';

/** A repository as the REST API returns it. */
export const repositorySchema = z.object(responseShape(REPOSITORY_FIELDS));
export type Repository = z.infer<typeof repositorySchema>;

export const repositoryCreateSchema = z.strictObject(createShape(REPOSITORY_FIELDS));
export type RepositoryCreate = z.infer<typeof repositoryCreateSchema>;

export const repositoryUpdateSchema = updateSchema(REPOSITORY_FIELDS);
export type RepositoryUpdate = z.infer<typeof repositoryUpdateSchema>;

export const repositoryIdParamSchema = numericIdSchema;
