// The version check of a REST write sent with If-Match (http/if-match.ts). The check is part
// of the UPDATE's WHERE clause, so it holds at the moment of writing: a concurrent writer
// that stamped the row first makes the UPDATE match no row (PostgreSQL re-evaluates the WHERE
// against the newest row version after waiting for its row lock), never a lost update. The
// stores also compare before they validate references, so a stale write is answered 412
// without doing that work.
import { PreconditionFailedError } from '../errors.js';
import type { Queryable } from './database.js';

/** A row as the API answers it, with the `server_version` that is its ETag. */
export interface Versioned<Row> {
  row: Row;
  version: number;
}

/** Splits the `server_version` column read beside the API's columns off a database row. */
export function splitVersion(row: Record<string, unknown>): {
  fields: Record<string, unknown>;
  version: number;
} {
  const { server_version: version, ...fields } = row;
  return { fields, version: Number(version) };
}

/** Throws 412 with the current row when `expected` is set and is not the row's version. */
export function requireVersion<Row>(
  what: string,
  current: Versioned<Row>,
  expected: number | undefined,
): void {
  if (expected !== undefined && expected !== current.version)
    throw new PreconditionFailedError(what, expected, current.row, current.version);
}

/**
 * Runs `UPDATE <table> SET <set> WHERE id = $1 [AND server_version = $n]` and, when the
 * version no longer matched, throws 412 with the row as `reread` finds it now.
 */
export async function updateIfVersion<Row>(
  tx: Queryable,
  statement: { table: 'tasks' | 'documents' | 'repositories'; sql: string; params: unknown[] },
  id: number,
  expected: number | undefined,
  what: string,
  reread: () => Promise<Versioned<Row>>,
): Promise<void> {
  const params: unknown[] = [id, ...statement.params];
  let where = 'id = $1';
  if (expected !== undefined) {
    params.push(expected);
    where += ` AND server_version = $${params.length}`;
  }
  const rows = await tx.query(
    `UPDATE ${statement.table} SET ${statement.sql}, updated_at = now() WHERE ${where} RETURNING id`,
    params,
  );
  if (rows.length === 0 && expected !== undefined) {
    const current = await reread();
    throw new PreconditionFailedError(what, expected, current.row, current.version);
  }
}
