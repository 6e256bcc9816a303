// The pg-text-v1 column list is written out in packages/shared; the stage's columns come from
// the field tables. A value field added to documents must travel in pg-text-v1 too, or a
// receiver would stage it as null and write the schema's default over the sender's value.
import { describe, expect, it } from 'vitest';
import { PG_TEXT_DOCUMENT_COLUMNS } from '@wikisync/shared';
import { DOCUMENT_TABLE } from './row-stage.js';

describe('pg-text-v1 columns', () => {
  it("name every column a synced document stages, and the row's identity and times", () => {
    const expected = [
      'document_id',
      'uid',
      'deleted',
      'created_at',
      'updated_at',
      ...DOCUMENT_TABLE.columns.map((column) => column.name),
    ];
    expect([...PG_TEXT_DOCUMENT_COLUMNS].sort()).toEqual([...new Set(expected)].sort());
  });
});
