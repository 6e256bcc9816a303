// Lists of ids or uids travel to SQL as one jsonb parameter ({v: [...]}), which both drivers
// pass unchanged. They are used as a FROM item joined by key, never as `x = ANY(...)` or
// `x IN (subquery)`: on freshly filled tables (no statistics yet) the planner turns those into
// a scan per element, which made a 10,000-row copy quadratic.
import { PLAN_EACH_RUN } from './database.js';

/** Distinct bigint ids of a `{v: number[]}` parameter, as a FROM item with column `id`. */
export function idList(param: string): string {
  return `(SELECT DISTINCT value::bigint AS id FROM jsonb_array_elements_text(${param}::jsonb->'v'))`;
}

/** Distinct texts of a `{v: string[]}` parameter, as a FROM item with column `value`. */
export function textList(param: string): string {
  return `(SELECT DISTINCT value FROM jsonb_array_elements_text(${param}::jsonb->'v'))`;
}

/**
 * A FROM item, placed after a list, that joins each element to at most one row of `table` by a
 * unique key (`where`, naming the list's column), one probe of the key's index per element.
 * The `LIMIT 1` keeps the planner from flattening it into a join it may plan as a hash join
 * over a scan of the whole table (or of all of a peer's mappings), which it does while the
 * table's statistics predate a bulk copy that is filling it: in a full push of 10,000 tasks,
 * each chunk's mapping lookup read every mapping of that peer, 0.48 s of a 3.4 s push.
 */
export function probeOne(
  table: string,
  alias: string,
  columns: string,
  where: string,
  /** Which row, by this `ORDER BY`, when `where` may match several (an index covers it). */
  order?: string,
  /** Keep an element that matches no row, its columns null (a LEFT JOIN); else it is dropped. */
  keepUnmatched = false,
): string {
  // Planned for each run (not prepared): a generic plan made while `table` was nearly empty
  // probes it with a whole scan per element once it is not.
  const first = order === undefined ? '' : ` ORDER BY ${order}`;
  const probe = `LATERAL (SELECT ${columns} FROM ${table} WHERE ${where}${first} LIMIT 1 ${PLAN_EACH_RUN}) ${alias}`;
  return keepUnmatched ? `LEFT JOIN ${probe} ON true` : `CROSS JOIN ${probe}`;
}
