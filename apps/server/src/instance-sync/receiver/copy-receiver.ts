// `copy-upsert` (ours). Format `copy-v1`: the rows of one table as JSON lines, every id the
// sender's. Each line becomes the object `batch-upsert` would have carried and goes through
// the same checks, mapping and writes (batch-receiver.ts), so the same rows end the same way
// whichever transport brought them; the stage is filled with COPY (row-stage.ts). A line that
// is not a row fails alone, reported by the id it starts with.
//
// Formats `pg-text-v1` (documents, with or without their newer version by uid) and
// `pg-text-tasks-v1` (tasks): the body's COPY text goes into the stage as it came. A row
// whose every staged value the schemas would take as it is (the database checks that, with
// conditions drawn from the same field rules: field-rows.ts `plainInstanceSyncValue`) is
// written as staged, only its ids, uids and references read back. The others' wire fields and small values
// are read back and checked by the schemas themselves; what they change (a default for a null,
// metadata over its limits) is written back over the stage, a row they refuse fails alone, and
// the rest are written as a batch's. A body whose rows are all plain and all new here (the
// chunks of a first push) is written in one statement without any read back (new-rows.ts).
// Text the database cannot read refuses the whole body (400), and the sender sends it as
// `copy-v1`.
import {
  COPY_FORMAT,
  COPY_MAX_ROWS,
  LONG_TEXT_MAX,
  PG_TEXT_DOCUMENT_COLUMNS,
  PG_TEXT_DOCUMENT_REFERENCE_COLUMNS,
  PG_TEXT_FORMAT,
  PG_TEXT_TASK_COLUMNS,
  PG_TEXT_TASKS_FORMAT,
  type BatchRowOutcome,
  type BatchUpsertResponse,
  type CopyUpsertHeader,
  type CopyUpsertRequest,
} from '@wikisync/shared';
import type { Database } from '../../db/database.js';
import { ValidationError } from '../../errors.js';
import type { SyncCaller } from '../peer-auth/sync-caller.js';
import {
  addStagedDocument,
  addStagedTask,
  applyBatch,
  checkDocument,
  checkTask,
  emptyCheckedBatch,
  writeBatch,
  type CheckedBatch,
} from './batch-receiver.js';
import { writeNewRows } from './new-rows.js';
import {
  copyPgText,
  DOCUMENT_TABLE,
  readPgText,
  restageValues,
  stagedValue,
  TASK_TABLE,
} from './row-stage.js';

/** The id a broken line starts with (`[123,...`), or 0 when it names none. */
function leadingId(line: string): number {
  const match = /^\s*\[\s*"?(\d{1,15})\b/.exec(line);
  return match ? Number(match[1]) : 0;
}

export interface ApplyCopyOptions {
  /**
   * Whether a `pg-text` body of rows all new here may be written in one statement
   * (new-rows.ts); off, every body goes the general way. Tests compare the two.
   */
  newRows?: boolean;
}

export async function applyCopy(
  db: Database,
  caller: SyncCaller,
  { header, lines, data }: CopyUpsertRequest,
  options: ApplyCopyOptions = {},
): Promise<BatchUpsertResponse> {
  if (header.format === PG_TEXT_FORMAT || header.format === PG_TEXT_TASKS_FORMAT)
    return applyPgText(db, caller, header, data ?? [], options);
  const rows: Record<string, unknown>[] = [];
  const broken: BatchRowOutcome[] = [];
  const width = header.columns.length;
  for (const [index, line] of lines.entries()) {
    let values: unknown;
    try {
      values = JSON.parse(line);
    } catch {
      values = undefined;
    }
    if (!Array.isArray(values) || values.length !== width) {
      broken.push({
        id: leadingId(line),
        local_id: null,
        result: 'failed',
        error: `row line ${index + 2} is not a JSON array of the header's ${width} columns; send it again.`,
      });
      continue;
    }
    const row: Record<string, unknown> = {};
    // null stays null, as in a `batch-upsert` row that carries the field as null.
    header.columns.forEach((column, i) => (row[column] = values[i]));
    rows.push(row);
  }
  const tasks = header.entity === 'tasks';
  const answer = await applyBatch(db, caller, {
    repository_id: header.repository_id,
    tasks: tasks ? rows : [],
    documents: tasks ? [] : rows,
  });
  return tasks
    ? { ...answer, tasks: [...answer.tasks, ...broken] }
    : { ...answer, documents: [...answer.documents, ...broken] };
}

/** SQLSTATE classes of a COPY that could not read its input: data exceptions (22). */
const unreadable = (error: unknown) => /^22/.test(String((error as { code?: unknown }).code ?? ''));

/** Values as a stage holds them, comparable: times by instant, the rest by their JSON. */
function sameValue(a: unknown, b: unknown, time: boolean): boolean {
  // Nearly every value the schemas read back is the one staged, the very same string or number.
  if (a === b) return true;
  if (time && typeof a === 'string' && typeof b === 'string') return Date.parse(a) === Date.parse(b);
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** What each `pg-text` format carries: its table, columns and the checks of its rows. */
const PG_TEXT_BODIES = {
  [PG_TEXT_FORMAT]: {
    entity: 'documents',
    spec: DOCUMENT_TABLE,
    // With the newer version by uid, or without (a sender that left it to the links).
    columns: [PG_TEXT_DOCUMENT_COLUMNS, PG_TEXT_DOCUMENT_REFERENCE_COLUMNS],
    check: checkDocument,
    addPlain: (batch: CheckedBatch, n: number, row: Record<string, unknown>) =>
      addStagedDocument(batch, n, row as Parameters<typeof addStagedDocument>[2]),
  },
  [PG_TEXT_TASKS_FORMAT]: {
    entity: 'tasks',
    spec: TASK_TABLE,
    columns: [PG_TEXT_TASK_COLUMNS],
    check: checkTask,
    addPlain: (batch: CheckedBatch, n: number, row: Record<string, unknown>) =>
      addStagedTask(batch, n, row as Parameters<typeof addStagedTask>[2]),
  },
} as const;

async function applyPgText(
  db: Database,
  caller: SyncCaller,
  header: CopyUpsertHeader,
  data: readonly Uint8Array[],
  options: ApplyCopyOptions,
): Promise<BatchUpsertResponse> {
  const format = header.format as keyof typeof PG_TEXT_BODIES;
  const body = PG_TEXT_BODIES[format];
  if (header.entity !== body.entity)
    throw new ValidationError(
      `${format} carries ${body.entity} only; send ${header.entity} as ${header.entity === 'tasks' ? PG_TEXT_TASKS_FORMAT : PG_TEXT_FORMAT} or ${COPY_FORMAT}.`,
    );
  if (!body.columns.some((columns) => header.columns.join(',') === columns.join(',')))
    throw new ValidationError(
      `A ${format} body of ${body.entity} has the columns ${body.columns.map((columns) => columns.join(', ')).join(' or ')}, in that order; send these rows as ${COPY_FORMAT}.`,
    );
  const { spec } = body;
  return db.transaction(async (tx) => {
    let first;
    try {
      first = await copyPgText(tx, spec, header.columns, data);
    } catch (error) {
      if (!unreadable(error)) throw error;
      throw new ValidationError(
        `The ${format} rows could not be read (${(error as Error).message}); send them as ${COPY_FORMAT}.`,
      );
    }
    // Rows all new here (a first push) are written as staged, in one statement (new-rows.ts).
    if (options.newRows !== false) {
      const written = await writeNewRows(tx, caller, header.repository_id, spec, header.columns, first);
      if (written) return written;
    }
    const staged = await readPgText(tx, spec, header.columns, first);
    if (staged.length > COPY_MAX_ROWS)
      throw new ValidationError(`at most ${COPY_MAX_ROWS} rows per request; send them in smaller parts.`);
    const batch = emptyCheckedBatch();
    const restage: Parameters<typeof restageValues>[2][number][] = [];
    const small = spec.columns.filter((column) => !column.resolved && !column.large);
    for (const { n, plain, row, largeBytes } of staged) {
      if (plain) {
        body.addPlain(batch, n, row);
        continue;
      }
      const raw: Record<string, unknown> = { ...row };
      for (const [name, bytes] of Object.entries(largeBytes))
        // The schema counts code points, each at least one byte of UTF-8, so a text of at most
        // LONG_TEXT_MAX bytes is within the limit (and PostgreSQL text holds no NUL); a longer
        // one is read and checked by the schema itself. The staged text stays where it is either way.
        raw[name] =
          bytes === null ? null : bytes <= LONG_TEXT_MAX ? '' : await stagedValue(tx, spec, n, name);
      const incoming = body.check(batch, raw, n);
      if (!incoming) continue;
      const { values, createdAt, updatedAt } = incoming;
      const changed =
        small.some(
          (column) => !sameValue(values[column.name], row[column.name], column.type === 'timestamptz'),
        ) ||
        !sameValue(createdAt, row.created_at, true) ||
        !sameValue(updatedAt, row.updated_at, true) ||
        Object.values(largeBytes).some((bytes) => bytes === null);
      if (changed) restage.push({ n, values, createdAt, updatedAt });
    }
    await restageValues(tx, spec, restage);
    return writeBatch(tx, caller, header.repository_id, batch);
  });
}
