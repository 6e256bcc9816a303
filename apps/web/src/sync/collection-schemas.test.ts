import { describe, expect, it } from 'vitest';
import { FIELD_TABLES, replicatedName } from '@wikisync/shared';
import { documentSchema, repositorySchema, taskSchema } from './collection-schemas';

// Each schema's content at its current version, as replicas in browsers hold it. RxDB refuses
// to open a replica whose stored schema differs from the app's at the same version, so a
// change to these needs the next version, a migration strategy, and a new entry here.
const uid = { type: 'string', maxLength: 64 };
const nullableUid = { type: ['string', 'null'], maxLength: 64 };
const text = { type: 'string' };
const time = { type: 'string', maxLength: 40 };
const nullableTime = { type: ['string', 'null'] };
const serverId = { type: ['integer', 'null'] };
const metadata = { type: 'object', additionalProperties: true };
const int32 = { type: 'integer', minimum: -2_147_483_648, maximum: 2_147_483_647, multipleOf: 1 };

/** A released schema; its `required` is `id`, then every other property in the order written. */
function released(
  title: string,
  version: number,
  properties: Record<string, object>,
  indexes?: string[][],
): object {
  const required = ['id', ...Object.keys(properties).filter((name) => name !== 'id')];
  const schema = { title, version, primaryKey: 'uid', type: 'object', additionalProperties: false };
  return { ...schema, properties, required, ...(indexes ? { indexes } : {}) };
}

const RELEASED = {
  repositories: released('repositories', 0, {
    uid,
    id: serverId,
    name: text,
    url: text,
    description: text,
    clone_branch: text,
    clone_commit_id: text,
    size_mb: { type: 'number', minimum: 0 },
    status: { type: 'string', enum: ['pending', 'cloning', 'ready', 'analyzing', 'completed', 'error'] },
    error_msg: text,
    metadata,
    created_at: time,
    updated_at: time,
  }),
  tasks: released(
    'tasks',
    1,
    {
      uid,
      id: serverId,
      repository_uid: uid,
      doc_uid: nullableUid,
      writer_name: text,
      task_type: text,
      title: text,
      outline: text,
      status: { type: 'string', enum: ['pending', 'queued', 'running', 'succeeded', 'failed', 'canceled'] },
      run_after_uid: nullableUid,
      error_msg: text,
      sort_order: int32,
      started_at: nullableTime,
      completed_at: nullableTime,
      metadata,
      created_at: time,
      updated_at: time,
    },
    [['repository_uid', 'sort_order']],
  ),
  documents: released(
    'documents',
    0,
    {
      uid,
      id: serverId,
      repository_uid: uid,
      task_uid: nullableUid,
      title: text,
      filename: text,
      content: text,
      language: text,
      sort_order: int32,
      version: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
      is_latest: { type: 'boolean' },
      replaced_by_uid: nullableUid,
      metadata,
      created_at: time,
      updated_at: time,
    },
    [['repository_uid', 'sort_order']],
  ),
};

const SCHEMAS = { repositories: repositorySchema, tasks: taskSchema, documents: documentSchema };

describe('replica schemas derived from the field tables', () => {
  for (const collection of ['repositories', 'tasks', 'documents'] as const) {
    it(`${collection}: the released content of its version, so existing replicas still open`, () => {
      expect(SCHEMAS[collection]).toStrictEqual(RELEASED[collection]);
    });

    it(`${collection}: a required property for every replicated field of the table`, () => {
      const schema = SCHEMAS[collection];
      for (const [field, spec] of Object.entries(FIELD_TABLES[collection])) {
        const name = replicatedName(field, spec);
        // The tombstone is RxDB's own `_deleted`.
        if (name === null || spec.type.role === 'tombstone') continue;
        expect(schema.properties, field).toHaveProperty([name]);
        expect(schema.required, field).toContain(name);
      }
    });
  }

  it('gives each schema objects of its own (RxDB fills in schemas it is given)', () => {
    expect(taskSchema.properties.sort_order).not.toBe(documentSchema.properties.sort_order);
    expect(taskSchema.properties.uid).not.toBe(repositorySchema.properties.uid);
  });
});
