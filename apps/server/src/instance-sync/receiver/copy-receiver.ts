// `copy-upsert` (ours, format `copy-v1`): the rows of one table as JSON lines, every id the
// sender's. Each line becomes the object `batch-upsert` would have carried and goes through
// the same checks, mapping and writes (batch-receiver.ts), so the same rows end the same way
// whichever transport brought them; the stage is filled with COPY (row-stage.ts). A line that
// is not a row fails alone, reported by the id it starts with.
import type { BatchRowOutcome, BatchUpsertResponse, CopyUpsertRequest } from '@wikisync/shared';
import type { Database } from '../../db/database.js';
import type { SyncCaller } from '../peer-auth/sync-caller.js';
import { applyBatch } from './batch-receiver.js';

/** The id a broken line starts with (`[123,...`), or 0 when it names none. */
function leadingId(line: string): number {
  const match = /^\s*\[\s*"?(\d{1,15})\b/.exec(line);
  return match ? Number(match[1]) : 0;
}

export async function applyCopy(
  db: Database,
  caller: SyncCaller,
  { header, lines }: CopyUpsertRequest,
): Promise<BatchUpsertResponse> {
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
