import { describe, expect, it } from 'vitest';
import { jsonEqual, replicatedDocsEqual } from './replicated-fields.js';
import { pushRequestSchema } from './push-request.js';
import { taskDoc } from '../testing/replicated-docs.js';

const task = taskDoc('r1', {
  uid: 't1',
  id: 1,
  title: 'a',
  metadata: { b: 1, a: [1, { y: 2, x: 1 }] },
});

describe('replicated document equality', () => {
  it('ignores key order in JSON and the server-owned id, but no other field', () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    const reordered = { ...task, id: null, metadata: { a: [1, { x: 1, y: 2 }], b: 1 } };
    expect(replicatedDocsEqual('tasks', task, reordered)).toBe(true);
    for (const [field, value] of Object.entries({ title: 'b', doc_uid: 'd', _deleted: true, metadata: {} })) {
      expect(replicatedDocsEqual('tasks', task, { ...task, [field]: value }), field).toBe(false);
    }
  });

  it('validates pushes per collection, naming the bad row and field', () => {
    const result = pushRequestSchema.safeParse({
      collection: 'tasks',
      rows: [{ assumed_master_state: null, new_document_state: { ...task, run_after_uid: 'not a uid!' } }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['rows', 0, 'new_document_state', 'run_after_uid']);
    // A stock RxDB client that created the row offline sends no server id at all (PROTOCOL.md §1).
    const { id: _id, ...withoutId } = task;
    const ok = pushRequestSchema.parse({
      collection: 'tasks',
      rows: [{ new_document_state: { ...withoutId, created_at: '2024-01-01T02:00:00+02:00' } }],
    });
    expect(ok.rows[0]).toMatchObject({
      assumed_master_state: null,
      new_document_state: { created_at: task.created_at },
    });
  });
});
