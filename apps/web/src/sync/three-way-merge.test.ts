import { describe, expect, it } from 'vitest';
import { threeWayMerge } from './three-way-merge';
import { taskDoc } from '@wikisync/shared/testing';
import type { DocState } from './conflict-schema';

const base: DocState = taskDoc('r1', {
  uid: 't1',
  id: 7,
  title: 'base',
  outline: 'base outline',
  metadata: { a: 1 },
});
const at = (day: number) => `2024-01-0${day}T00:00:00.000Z`;

describe('three-way merge of a conflict', () => {
  it("takes each side's changes to different fields, and the later updated_at", () => {
    const local = { ...base, outline: 'mine', updated_at: at(3) };
    const server = { ...base, title: 'theirs', updated_at: at(2) };
    expect(threeWayMerge('tasks', base, local, server)).toEqual({
      doc: { ...base, title: 'theirs', outline: 'mine', updated_at: at(3) },
      conflictingFields: [],
      hunks: [],
    });
  });

  it('keeps the server value where both changed a field differently, and names the field', () => {
    const local = { ...base, title: 'mine', metadata: { a: 2 } };
    const server = { ...base, title: 'theirs', metadata: { a: 2 } };
    expect(threeWayMerge('tasks', base, local, server)).toEqual({
      doc: server,
      conflictingFields: ['title'],
      hunks: [],
    });
  });

  it('treats delete against edit as a conflict in both directions, keeping the server state', () => {
    const edited = { ...base, title: 'edited' };
    const deleted = { ...base, _deleted: true };
    expect(threeWayMerge('tasks', base, deleted, edited)).toEqual({
      doc: edited,
      conflictingFields: ['_deleted'],
      hunks: [],
    });
    expect(threeWayMerge('tasks', base, edited, deleted)).toEqual({
      doc: deleted,
      conflictingFields: ['_deleted'],
      hunks: [],
    });
    expect(threeWayMerge('tasks', base, deleted, { ...deleted, title: 'x' }).conflictingFields).toEqual([]);
  });

  it('without a base, keeps the server state and reports every differing field', () => {
    const local = { ...base, id: null, title: 'mine' };
    expect(threeWayMerge('tasks', null, local, base)).toEqual({
      doc: base,
      conflictingFields: ['title'],
      hunks: [],
    });
    expect(threeWayMerge('tasks', undefined, { ...base, id: null }, base).conflictingFields).toEqual([]);
  });

  it('treats a refusal from an unchanged server row as a conflict, instead of pushing the edit again', () => {
    const local = { ...base, title: 'mine', updated_at: at(2) };
    expect(threeWayMerge('tasks', base, local, base)).toEqual({
      doc: base,
      conflictingFields: ['title', 'updated_at'],
      hunks: [],
    });
  });
});
