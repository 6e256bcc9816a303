// Task usages: the LLM token use of a task, as openDeepWiki records it (PROTOCOL.md §2).
// Only instance sync writes them, always a task's whole list at once; browsers see a total
// per task through REST. A task whose list changes is re-stamped, so every copy that goes by
// server_version (incremental pushes and pulls) carries the new list with the task.
import type { Principal } from '../auth/principal.js';
import { readableRepositoryCondition } from '../auth/access.js';
import type { Queryable } from '../db/database.js';
import { isoTime } from '../db/row.js';
import { idList } from '../db/sql-lists.js';

/** One usage as it is stored and as it travels (without the ids). */
export interface TaskUsage {
  api_key_name: string;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  /** null means "now" on write. */
  created_at: string | null;
}

const COUNTS = [
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cached_tokens',
  'reasoning_tokens',
] as const;

function sameUsages(stored: readonly TaskUsage[], incoming: readonly TaskUsage[]): boolean {
  return (
    stored.length === incoming.length &&
    stored.every((row, index) => {
      const other = incoming[index]!;
      return (
        row.api_key_name === other.api_key_name &&
        COUNTS.every((count) => row[count] === other[count]) &&
        (other.created_at === null || row.created_at === other.created_at)
      );
    })
  );
}

/**
 * Replaces the usages of each task with the given lists (in list order), in the caller's
 * transaction. Tasks whose list is unchanged are not touched; the others are re-stamped.
 * Returns how many tasks changed.
 */
export async function replaceTaskUsages(
  tx: Queryable,
  lists: ReadonlyMap<number, readonly TaskUsage[]>,
): Promise<number> {
  if (lists.size === 0) return 0;
  const stored = await loadTaskUsages(tx, [...lists.keys()]);
  const changed = [...lists].filter(([taskId, usages]) => !sameUsages(stored.get(taskId) ?? [], usages));
  if (changed.length === 0) return 0;
  const ids = { v: changed.map(([taskId]) => taskId) };
  await tx.query(`DELETE FROM task_usages u USING ${idList('$1')} ids WHERE u.task_id = ids.id`, [ids]);
  // `n` keeps each list's order in the ids, which is the order they are read back in.
  const rows = changed
    .flatMap(([taskId, usages]) =>
      usages.map((usage) => ({
        task_id: taskId,
        api_key_name: usage.api_key_name,
        ...Object.fromEntries(COUNTS.map((count) => [count, usage[count]])),
        created_at: usage.created_at,
      })),
    )
    .map((row, n) => ({ ...row, n }));
  if (rows.length > 0) {
    await tx.query(
      `INSERT INTO task_usages (task_id, api_key_name, ${COUNTS.join(', ')}, created_at)
       SELECT x.task_id, x.api_key_name, ${COUNTS.map((count) => `x.${count}`).join(', ')}, COALESCE(x.created_at, now())
         FROM jsonb_to_recordset($1::jsonb->'v') AS x(n integer, task_id bigint, api_key_name text,
              ${COUNTS.map((count) => `${count} bigint`).join(', ')}, created_at timestamptz)
        ORDER BY x.n`,
      [{ v: rows }],
    );
  }
  // The trigger gives the task a new server_version: incremental copies then carry the list.
  await tx.query(`UPDATE tasks t SET uid = t.uid FROM ${idList('$1')} ids WHERE t.id = ids.id`, [ids]);
  return changed.length;
}

/** The usages of these tasks, in the order they were written, by task id. */
export async function loadTaskUsages(
  db: Queryable,
  taskIds: readonly number[],
): Promise<Map<number, (TaskUsage & { id: number })[]>> {
  const found = new Map<number, (TaskUsage & { id: number })[]>();
  if (taskIds.length === 0) return found;
  const rows = await db.query(
    `SELECT u.id, u.task_id, u.api_key_name, ${COUNTS.map((count) => `u.${count}`).join(', ')}, u.created_at
       FROM ${idList('$1')} ids
       JOIN task_usages u ON u.task_id = ids.id
      ORDER BY u.task_id, u.id`,
    [{ v: taskIds }],
  );
  for (const row of rows) {
    const list = found.get(Number(row.task_id)) ?? [];
    list.push({
      id: Number(row.id),
      api_key_name: String(row.api_key_name),
      prompt_tokens: Number(row.prompt_tokens),
      completion_tokens: Number(row.completion_tokens),
      total_tokens: Number(row.total_tokens),
      cached_tokens: Number(row.cached_tokens),
      reasoning_tokens: Number(row.reasoning_tokens),
      created_at: isoTime(row.created_at),
    });
    found.set(Number(row.task_id), list);
  }
  return found;
}

/**
 * SQL for the usages of the task whose id is `taskId` (a column), as one JSON array in the
 * instance-sync wire's shape (wire-rows.ts `usageWireRow`), oldest first; `[]` for none.
 */
export function usageListSql(taskId: string): string {
  return `COALESCE((SELECT jsonb_agg(jsonb_build_object('id', u.id, 'task_id', u.task_id, 'api_key_name', u.api_key_name, ${COUNTS.map(
    (count) => `'${count}', u.${count}`,
  ).join(
    ', ',
  )}, 'created_at', u.created_at) ORDER BY u.id) FROM task_usages u WHERE u.task_id = ${taskId}), '[]'::jsonb)`;
}

export interface TaskUsageTotal {
  task_id: number;
  task_uid: string;
  usages: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Token totals per task of a repository the principal may read (REST). */
export async function taskUsageTotals(
  db: Queryable,
  principal: Principal,
  repositoryId: number,
): Promise<TaskUsageTotal[]> {
  const visible = readableRepositoryCondition(principal, 't.repository_id', 2);
  const rows = await db.query(
    `SELECT t.id, t.uid, count(*)::int AS usages, sum(u.prompt_tokens)::bigint AS prompt_tokens,
            sum(u.completion_tokens)::bigint AS completion_tokens, sum(u.total_tokens)::bigint AS total_tokens
       FROM tasks t JOIN task_usages u ON u.task_id = t.id
      WHERE t.repository_id = $1 AND NOT t.deleted AND ${visible.sql}
      GROUP BY t.id, t.uid ORDER BY t.id`,
    [repositoryId, ...visible.params],
  );
  return rows.map((row) => ({
    task_id: Number(row.id),
    task_uid: String(row.uid),
    usages: Number(row.usages),
    prompt_tokens: Number(row.prompt_tokens),
    completion_tokens: Number(row.completion_tokens),
    total_tokens: Number(row.total_tokens),
  }));
}
