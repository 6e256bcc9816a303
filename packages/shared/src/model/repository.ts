// A repository on the REST API; its fields are in fields/repository-fields.ts.
import { z } from 'zod';
import { numericIdSchema } from '../common.js';
import { REPOSITORY_FIELDS, REPOSITORY_STATUSES } from './fields/repository-fields.js';
import { createShape, responseShape, updateSchema } from './fields/zod-shapes.js';

export { REPOSITORY_STATUSES };
export const repositoryStatusSchema = REPOSITORY_FIELDS.status.type.rest;
export type RepositoryStatus = z.infer<typeof repositoryStatusSchema>;

/** A repository as the REST API returns it. */
export const repositorySchema = z.object(responseShape(REPOSITORY_FIELDS));
export type Repository = z.infer<typeof repositorySchema>;

export const repositoryCreateSchema = z.strictObject(createShape(REPOSITORY_FIELDS));
export type RepositoryCreate = z.infer<typeof repositoryCreateSchema>;

export const repositoryUpdateSchema = updateSchema(REPOSITORY_FIELDS);
export type RepositoryUpdate = z.infer<typeof repositoryUpdateSchema>;

export const repositoryIdParamSchema = numericIdSchema;
