import { describe, expect, it } from 'vitest';
import { diffFields, equalValues } from './field-diff';

describe('diffFields', () => {
  it('lists only differing fields and says which side changed each', () => {
    const base = { uid: 'u', title: 'A', content: 'x', metadata: { a: 1, b: 2 } };
    const local = { uid: 'u', title: 'A local', content: 'x', metadata: { b: 2, a: 1 } };
    const server = { uid: 'u', title: 'A', content: 'y', metadata: { a: 1, b: 2 } };
    expect(diffFields(local, server, base)).toEqual([
      { field: 'content', local: 'x', server: 'y', base: 'x', changedLocally: false, changedOnServer: true },
      {
        field: 'title',
        local: 'A local',
        server: 'A',
        base: 'A',
        changedLocally: true,
        changedOnServer: false,
      },
    ]);
  });

  it('compares objects regardless of key order', () => {
    expect(equalValues({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(equalValues({ a: 1 }, { a: 2 })).toBe(false);
  });
});
