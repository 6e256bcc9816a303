// Lists of ids or uids travel to SQL as one jsonb parameter ({v: [...]}), which both drivers
// pass unchanged. They are used as a FROM item joined by key, never as `x = ANY(...)` or
// `x IN (subquery)`: on freshly filled tables (no statistics yet) the planner turns those into
// a scan per element, which made a 10,000-row copy quadratic.

/** Distinct bigint ids of a `{v: number[]}` parameter, as a FROM item with column `id`. */
export function idList(param: string): string {
  return `(SELECT DISTINCT value::bigint AS id FROM jsonb_array_elements_text(${param}::jsonb->'v'))`;
}

/** Distinct texts of a `{v: string[]}` parameter, as a FROM item with column `value`. */
export function textList(param: string): string {
  return `(SELECT DISTINCT value FROM jsonb_array_elements_text(${param}::jsonb->'v'))`;
}
