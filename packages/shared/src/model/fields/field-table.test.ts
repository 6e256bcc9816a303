import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { FIELD_TABLES } from './field-tables.js';
import { fieldEntries, instanceSyncPlace, replicatedDefaults, replicatedName } from './field-table.js';
import { COMPARED_FIELDS } from '../../replication/replicated-fields.js';
import { REPLICATED_DOC_SCHEMAS } from '../../replication/replicated-doc-schemas.js';
import { repositoryCreateSchema, repositorySchema, repositoryUpdateSchema } from '../repository.js';
import { taskCreateSchema, taskSchema, taskUpdateSchema } from '../task.js';
import { documentCreateSchema, documentSchema, documentUpdateSchema } from '../document.js';
import { repositoryUpsertFieldsSchema } from '../../instance-sync/repository-upsert.js';
import { taskCreateRequestSchema, wireTaskFieldsSchema } from '../../instance-sync/task-create.js';
import {
  documentCreateRequestSchema,
  wireDocumentFieldsSchema,
} from '../../instance-sync/document-create.js';

const keys = (schema: z.ZodObject) => Object.keys(schema.shape);

const REST = {
  repositories: {
    response: repositorySchema,
    create: repositoryCreateSchema,
    update: repositoryUpdateSchema,
  },
  tasks: { response: taskSchema, create: taskCreateSchema, update: taskUpdateSchema },
  documents: { response: documentSchema, create: documentCreateSchema, update: documentUpdateSchema },
};
/**
 * Instance sync: the per-row schema, the message that carries ids and references beside it,
 * and what the row schema has that is no field of the entity.
 */
const INSTANCE_SYNC = {
  repositories: {
    row: repositoryUpsertFieldsSchema,
    message: repositoryUpsertFieldsSchema,
    extras: ['repository_id', 'branch'],
  },
  tasks: { row: wireTaskFieldsSchema, message: taskCreateRequestSchema, extras: ['task_usages'] },
  documents: { row: wireDocumentFieldsSchema, message: documentCreateRequestSchema, extras: [] as string[] },
};

describe('field tables', () => {
  for (const collection of ['repositories', 'tasks', 'documents'] as const) {
    const table = FIELD_TABLES[collection];

    it(`${collection}: every field is in each schema and list of the wires it travels on`, () => {
      const rest = REST[collection];
      const sync = INSTANCE_SYNC[collection];
      for (const [field, spec] of fieldEntries(table)) {
        expect(keys(rest.response).includes(field), field).toBe(spec.rest !== undefined);
        expect(keys(rest.create).includes(field), field).toBe(
          spec.rest === 'create' || spec.rest === 'write',
        );
        expect(keys(rest.update).includes(field), field).toBe(spec.rest === 'write');

        const name = replicatedName(field, spec);
        if (name !== null) expect(keys(REPLICATED_DOC_SCHEMAS[collection]), field).toContain(name);
        expect((COMPARED_FIELDS[collection] as readonly string[]).includes(name ?? field), field).toBe(
          spec.compared === true,
        );

        const place = instanceSyncPlace(field, spec);
        if (place?.in === 'row') expect(keys(sync.row), field).toContain(place.name);
        if (place !== null) expect(keys(sync.message), field).toContain(place.name);
      }
    });

    it(`${collection}: no schema has a field its table does not name there`, () => {
      const names = fieldEntries(table);
      expect(keys(REST[collection].response)).toEqual(names.filter(([, s]) => s.rest).map(([f]) => f));
      expect(keys(REPLICATED_DOC_SCHEMAS[collection])).toEqual(
        names.flatMap(([field, spec]) => replicatedName(field, spec) ?? []),
      );
      const { row, extras } = INSTANCE_SYNC[collection];
      expect(keys(row).filter((key) => !extras.includes(key))).toEqual(
        names.flatMap(([field, spec]) => {
          const place = instanceSyncPlace(field, spec);
          return place?.in === 'row' ? [place.name] : [];
        }),
      );
    });

    it(`${collection}: rows that hold together`, () => {
      for (const [field, spec] of fieldEntries(table)) {
        // Replication compares what it carries, except the server's own id.
        if (spec.compared) expect(replicatedName(field, spec), field).not.toBeNull();
        expect(spec.references !== undefined, field).toBe(spec.type.role === 'reference');
        // Instance sync stores something for whatever a peer leaves out of a row.
        const place = instanceSyncPlace(field, spec);
        if (place?.in === 'row' && spec.type.role === 'value' && spec.type.instanceSyncWhole === undefined)
          expect('default' in spec || 'instanceSyncDefault' in spec || spec.create === undefined, field).toBe(
            true,
          );
      }
    });

    it(`${collection}: a new replicated row's defaults pass its replication schema`, () => {
      const defaults = replicatedDefaults(table) as Record<string, unknown>;
      const shape = REPLICATED_DOC_SCHEMAS[collection].shape as Record<string, z.ZodType>;
      for (const [name, value] of Object.entries(defaults))
        expect(shape[name]!.safeParse(value).success, name).toBe(true);
      // Each call makes its own objects: no two rows share one metadata object.
      expect(replicatedDefaults(table).metadata).not.toBe(defaults.metadata);
    });
  }

  it('keeps the REST limits and messages of the hand-written schemas', () => {
    const refused = (schema: z.ZodType, value: unknown) =>
      schema.safeParse(value).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(refused(taskCreateSchema, { repository_id: 1, title: '' })).toEqual(['title: must not be empty']);
    expect(refused(taskUpdateSchema, {})).toEqual([': name at least one field to change']);
    expect(taskUpdateSchema.parse({ title: '' })).toEqual({ title: '' });
    expect(refused(repositoryUpdateSchema, { name: '' })).toEqual(['name: must not be empty']);
    expect(refused(documentUpdateSchema, { sort_order: 2 ** 31 })).toHaveLength(1);
    expect(documentUpdateSchema.parse({ sort_order: -(2 ** 31) })).toEqual({ sort_order: -(2 ** 31) });
    expect(refused(documentCreateSchema, { repository_id: 1, title: 'a', version: 0 })).toHaveLength(1);
    expect(taskCreateSchema.parse({ repository_id: '7', title: 'a' })).toMatchObject({
      repository_id: 7,
      status: 'pending',
      doc_id: null,
      metadata: {},
    });
  });

  it('fills what a peer leaves out with the instance-sync defaults', () => {
    expect(wireTaskFieldsSchema.parse({ status: 'completed', sort_order: null })).toMatchObject({
      title: '',
      status: 'succeeded',
      sort_order: 0,
      run_after: null,
      started_at: null,
      deleted: false,
    });
    expect(wireDocumentFieldsSchema.parse({})).toMatchObject({ version: 1, is_latest: true, metadata: {} });
    expect(repositoryUpsertFieldsSchema.parse({ repository_id: 1, name: 'r' })).toMatchObject({
      status: 'ready',
      url: '',
      size_mb: 0,
    });
  });
});
