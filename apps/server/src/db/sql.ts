// Helpers for the few statements whose shape depends on the input. Column names always come
// from a fixed allowlist in the caller, never from the request.

/** `col1 = $n, col2 = $n+1, ...` for the keys of `patch` that are in `columns`. */
export function buildAssignments(
  patch: Record<string, unknown>,
  columns: readonly string[],
  firstParam: number,
): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const column of columns) {
    if (!(column in patch) || patch[column] === undefined) continue;
    params.push(patch[column]);
    parts.push(`${column} = $${firstParam + params.length - 1}`);
  }
  return { sql: parts.join(', '), params };
}

/** `INSERT INTO table (col1, col2, ...) VALUES ($1, $2, ...)` with `record`'s value of each column. */
export function buildInsert(
  table: string,
  columns: readonly string[],
  record: Record<string, unknown>,
): { sql: string; params: unknown[] } {
  const placeholders = columns.map((_, index) => `$${index + 1}`);
  return {
    sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})`,
    params: columns.map((column) => record[column]),
  };
}
