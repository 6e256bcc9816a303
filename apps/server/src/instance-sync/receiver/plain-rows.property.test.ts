// Property: a `pg-text-v1` or `pg-text-tasks-v1` row the database vouches for (row-stage.ts `plainRow`, built from
// field-rows.ts `plainInstanceSyncValue`) is written as staged, its values never seen by the
// schemas. So every row it calls plain must be one the schemas take exactly as staged: valid,
// no default for a null, no alias, no metadata dropped, each time the same instant. Rows of
// values at and past every limit (lengths in bytes and in UTF-16 units, int4 bounds, years,
// nesting, Go's zero id and time, status aliases, usages) are staged through the real COPY on
// both databases, read back whole, and checked by the schema the other rows go through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  batchDocumentRowSchema,
  batchTaskRowSchema,
  PG_TEXT_TASK_COLUMNS,
  INT32_MAX,
  INT32_MIN,
  METADATA_MAX_DEPTH,
  PG_TEXT_DOCUMENT_COLUMNS,
} from '@wikisync/shared';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../testing/test-database.js';
import type { Database } from '../../db/database.js';
import { copyText } from '../wire/line-bytes.js';
import type { SqlType } from '../../db/field-rows.js';
import { DOCUMENT_TABLE, stagePgText, TASK_TABLE } from './row-stage.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Text at and around a limit, in one-, three- and four-byte characters (UTF-16 units). */
const textNear = (limit: number) =>
  ['a', '中', '😀'].flatMap((unit) =>
    [-2, -1, 0, 1, 2].map((delta) =>
      unit.repeat(Math.ceil((limit + delta) / unit.length)).slice(0, limit + delta),
    ),
  );

const nested = (depth: number, array: boolean): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = array ? [value] : { k: value };
  return value;
};

/** Values at every edge, by column or kind. */
const EDGES: Record<string, readonly unknown[]> = {
  document_id: [0, -1, 1, MAX_SAFE, MAX_SAFE + 1],
  // A document's task; in a task body, the task's own id (where null and 0 are refused).
  task_id: [null, 0, -5, 1, MAX_SAFE, MAX_SAFE + 1],
  run_after: [null, 0, -5, 1, MAX_SAFE, MAX_SAFE + 1],
  doc_id: [null, 0, -5, 1, MAX_SAFE, MAX_SAFE + 1],
  doc_uid: [null, '', 'has space', 'a-b_C9', 'a'.repeat(64), 'a'.repeat(65)],
  run_after_uid: [null, '', 'has space', 'a-b_C9', 'a'.repeat(64), 'a'.repeat(65)],
  status: [null, '', 'pending', 'succeeded', 'completed', 'cancelled', 'bogus'],
  task_usages: [
    null,
    [],
    {},
    'none',
    [{ id: 1, task_id: 7, api_key_name: 'k', prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }],
  ],
  // A medium text's limit (error messages, 100,000).
  error_msg: [null, '', ...textNear(100_000)],
  uid: [null, '', 'has space', 'ümlaut', 'a-b_C9', 'a'.repeat(64), 'a'.repeat(65)],
  deleted: [true, false, null],
  time: [
    null,
    '2026-11-30T10:00:00.123456+05:30',
    '0001-01-01 00:00:00+00',
    '0999-12-31 23:59:59+00',
    '1000-01-01 00:00:00+00',
    '9999-12-30 12:00:00+00',
    '9999-12-31 23:00:00+00',
    '10000-01-01 00:00:00+00',
  ],
  integer: [null, -1, 0, 1, INT32_MIN, INT32_MAX],
  boolean: [true, false, null],
  metadata: [
    null,
    {},
    { k: 'v' },
    'just text',
    '{"k":1}',
    [1, 2],
    3,
    ...[METADATA_MAX_DEPTH - 1, METADATA_MAX_DEPTH, METADATA_MAX_DEPTH + 1].flatMap((depth) => [
      nested(depth, false),
      { a: nested(depth - 1, true) },
    ]),
    { big: 'x'.repeat(70_000) },
  ],
  // The short texts' limit (1,000 units); the long one's (content, 5,000,000) is probed at the
  // same edge, the whole limit costs megabytes a row.
  text: [null, '', 'title', ...textNear(1000)],
};

/** Mostly ordinary values, so that whole rows of them are plain, and an edge now and then. */
const ORDINARY: Record<string, fc.Arbitrary<unknown>> = {
  document_id: fc.integer({ min: 1, max: 1_000_000 }),
  task_id: fc.option(fc.integer({ min: 1, max: 1_000_000 })),
  run_after: fc.option(fc.integer({ min: 1, max: 1_000_000 })),
  doc_id: fc.option(fc.integer({ min: 1, max: 1_000_000 })),
  doc_uid: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)),
  run_after_uid: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)),
  status: fc.constantFrom('pending', 'queued', 'running', 'succeeded', 'failed', 'canceled'),
  task_usages: fc.constant([]),
  error_msg: fc.string({ maxLength: 12 }),
  uid: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
  deleted: fc.boolean(),
  time: fc
    .date({
      min: new Date('1990-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString()),
  integer: fc.integer({ min: 1, max: 1000 }),
  boolean: fc.boolean(),
  metadata: fc.constantFrom({}, { model: 'x' }),
  text: fc.string({ maxLength: 12 }),
};

function kindOf(name: string, type: SqlType): string {
  if (ORDINARY[name]) return name;
  if (name === 'created_at' || name === 'updated_at' || type === 'timestamptz') return 'time';
  return type === 'integer' || type === 'boolean' ? type : 'text';
}

function arbitraryFor(name: string, type: SqlType): fc.Arbitrary<unknown> {
  const kind = kindOf(name, type);
  return fc.oneof(
    { arbitrary: ORDINARY[kind]!, weight: 8 },
    { arbitrary: fc.constantFrom(...EDGES[kind]!), weight: 1 },
  );
}

/** The pg-text bodies: their columns, table, schema and a row of ordinary values. */
const BODIES = [
  {
    format: 'pg-text-v1',
    columns: PG_TEXT_DOCUMENT_COLUMNS,
    spec: DOCUMENT_TABLE,
    schema: batchDocumentRowSchema,
    ordinary: {
      document_id: 7,
      uid: 'ordinary-doc',
      task_id: 3,
      deleted: false,
      created_at: '2026-11-30T10:00:00.123456Z',
      updated_at: '2026-11-30T11:00:00Z',
      title: '页面 title',
      filename: 'a.md',
      content: '# 内容\nbody',
      language: 'zh',
      sort_order: 2,
      version: 1,
      is_latest: true,
      metadata: { model: 'x' },
    },
  },
  {
    format: 'pg-text-tasks-v1',
    columns: PG_TEXT_TASK_COLUMNS,
    spec: TASK_TABLE,
    schema: batchTaskRowSchema,
    ordinary: {
      task_id: 7,
      uid: 'ordinary-task',
      deleted: false,
      created_at: '2026-11-30T10:00:00.123456Z',
      updated_at: '2026-11-30T11:00:00Z',
      writer_name: 'writer',
      task_type: 'doc',
      title: '任务 title',
      outline: '# 大纲\n- a',
      status: 'succeeded',
      error_msg: '',
      sort_order: 2,
      started_at: '2026-11-30T10:00:00Z',
      completed_at: null,
      metadata: {},
      run_after: 6,
      doc_id: 9,
      doc_uid: 'doc-of-task',
      run_after_uid: null,
      task_usages: [],
    },
  },
] as const;

type Body = (typeof BODIES)[number];

/** Every column's SQL type in the stage, by its name on the wire. */
const typesOf = (body: Body) =>
  new Map<string, SqlType>([
    ...body.spec.wire.map((column): [string, SqlType] => [column.wire, column.type]),
    ['created_at', 'timestamptz'],
    ['updated_at', 'timestamptz'],
    ...body.spec.columns.map((column): [string, SqlType] => [column.name, column.type]),
  ]);

/** The staged row back as the read-back of a pg-text body gives it: wire names, times as RFC 3339. */
function readBackSql(body: Body): string {
  const stage = new Map(body.spec.wire.map((column) => [column.wire, column.stage]));
  const types = typesOf(body);
  return body.columns
    .map((name) =>
      types.get(name) === 'timestamptz'
        ? `to_json(${stage.get(name) ?? name}) #>> '{}' AS "${name}"`
        : `${stage.get(name) ?? name} AS "${name}"`,
    )
    .join(', ');
}

function sameAsStaged(type: SqlType, parsed: unknown, staged: unknown): boolean {
  if (staged === null || parsed === null) return staged === parsed;
  if (type === 'timestamptz') return Date.parse(String(parsed)) === Date.parse(String(staged));
  if (type === 'bigint') return Number(parsed) === Number(staged);
  return JSON.stringify(parsed) === JSON.stringify(staged);
}

/**
 * Stages `rows` through a pg-text body in one transaction and checks every row called plain
 * against the schema; answers how many were plain, or null when the COPY could not read a
 * value (a type's range: not what this property is about).
 */
async function checkPlainRows(
  db: Database,
  body: Body,
  rows: readonly Record<string, unknown>[],
): Promise<number | null> {
  const types = typesOf(body);
  const lines = rows.map((row) =>
    body.columns.map((name) => copyText(row[name], types.get(name)!)).join('\t'),
  );
  const outcome = await db
    .transaction(async (tx) => {
      const staged = await stagePgText(tx, body.spec, body.columns, [
        Buffer.from(lines.map((line) => `${line}\n`).join('')),
      ]);
      const whole = await tx.query<Record<string, unknown>>(
        `SELECT n, ${readBackSql(body)} FROM pg_temp.sync_stage_${body.spec.table} WHERE n = ANY($1::int[]) ORDER BY n`,
        [staged.map((row) => row.n)],
      );
      return { staged, whole };
    })
    .catch((error: { code?: string }) => {
      if (/^22/.test(String(error.code))) return null;
      throw error;
    });
  if (!outcome) return null;
  const byKey = new Map(outcome.whole.map((row) => [Number(row.n), row]));
  let plain = 0;
  for (const row of outcome.staged) {
    if (!row.plain) continue;
    plain++;
    const staged = byKey.get(row.n)!;
    const raw = Object.fromEntries(
      body.columns.map((name) => [
        name,
        types.get(name) === 'bigint' && staged[name] !== null ? Number(staged[name]) : staged[name],
      ]),
    );
    const parsed = body.schema.safeParse(raw);
    expect(
      parsed.success,
      `${JSON.stringify(raw).slice(0, 300)}: ${JSON.stringify(parsed.error?.issues)}`,
    ).toBe(true);
    const data = parsed.data as Record<string, unknown>;
    for (const name of body.columns)
      expect(
        sameAsStaged(types.get(name)!, data[name], staged[name]),
        `${name}: ${JSON.stringify(staged[name])?.slice(0, 80)} became ${JSON.stringify(data[name])?.slice(0, 80)}`,
      ).toBe(true);
    // What a plain row carries to the write: its wire fields as read back.
    expect(row.row).toEqual(
      Object.fromEntries(body.spec.wire.map((column) => [column.wire, raw[column.wire]])),
    );
  }
  return plain;
}

describe.each(testDatabaseKinds())('plain pg-text rows on %s (property)', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  describe.each(BODIES.map((body) => [body.format, body] as const))('%s', (_format, body) => {
    const types = typesOf(body);
    it('an ordinary row is plain, and so is each edge the schemas take as it is', async () => {
      // Without plain ordinary rows the property below would hold by never vouching for any.
      expect(await checkPlainRows(database.db, body, [body.ordinary])).toBe(1);
      for (const name of body.columns)
        for (const edge of EDGES[kindOf(name, types.get(name)!)]!)
          await checkPlainRows(database.db, body, [{ ...body.ordinary, [name]: edge }]);
    });

    it('are only rows the schemas take exactly as staged', async () => {
      const rowArbitrary = fc.record(
        Object.fromEntries(body.columns.map((name) => [name, arbitraryFor(name, types.get(name)!)])),
      );
      let plainSeen = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(rowArbitrary, { minLength: 1, maxLength: 12 }), async (rows) => {
          plainSeen += (await checkPlainRows(database.db, body, rows)) ?? 0;
        }),
        { numRuns: 60 },
      );
      expect(plainSeen).toBeGreaterThan(0);
    });
  });
});
