// The pg-text column lists are written out in packages/shared; the stage's columns come from
// the field tables. A value field added to tasks or documents must travel in its pg-text body
// too, or a receiver would stage it as null and write the schema's default over the sender's
// value.
import { describe, expect, it } from 'vitest';
import {
  PG_TEXT_DOCUMENT_COLUMNS,
  PG_TEXT_DOCUMENT_REFERENCE_COLUMNS,
  PG_TEXT_TASK_COLUMNS,
} from '@wikisync/shared';
import { DOCUMENT_TABLE, TASK_TABLE, type TableSpec } from './row-stage.js';

/** What a body of `spec`'s rows must carry: its wire fields, times and staged values. */
const expected = (spec: TableSpec) => [
  ...new Set([
    ...spec.wire.map((column) => column.wire),
    'created_at',
    'updated_at',
    ...spec.columns.filter((column) => !column.resolved).map((column) => column.name),
  ]),
];

describe('pg-text columns', () => {
  it("name every column a synced document stages, and the row's identity and times", () => {
    expect([...PG_TEXT_DOCUMENT_REFERENCE_COLUMNS].sort()).toEqual(expected(DOCUMENT_TABLE).sort());
    // Without the newer version by uid, for a receiver that leaves it to the links.
    expect([...PG_TEXT_DOCUMENT_COLUMNS].sort()).toEqual(
      expected(DOCUMENT_TABLE)
        .filter((name) => name !== 'replaced_by' && name !== 'replaced_by_uid')
        .sort(),
    );
  });

  it("name every column a synced task stages, the row's identity and times, references and usages", () => {
    expect([...PG_TEXT_TASK_COLUMNS].sort()).toEqual(expected(TASK_TABLE).sort());
  });
});
