// One database module, two backends: postgres.js for a real PostgreSQL server and PGlite
// (PostgreSQL compiled to WASM, in-process) as the zero-setup default. Both speak the same
// SQL with `$n` placeholders; nothing above this folder knows which one is in use.

export type DatabaseKind = 'postgres' | 'pglite';

export interface Queryable {
  /** Runs one statement with `$1..$n` parameters. JSON values are passed as plain objects. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs several `;`-separated statements without parameters (migrations, scripts). */
  exec(text: string): Promise<void>;
}

export type NotificationHandler = (payload: string) => void;

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /**
   * Runs `work` in one transaction; it commits when `work` resolves and rolls back when it
   * throws. Writes to replicated tables must go through `writeTransaction` instead.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; resolves to a function that stops listening. */
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Key of the transaction-scoped advisory lock that serialises writers of the replicated
 * tables. See `migrations/001-initial-schema.ts` for why versions must be assigned under it.
 */
export const WRITE_LOCK_KEY = 7_319_001;

/**
 * A transaction for writes to repositories, tasks or documents. It takes the version lock
 * first, before any row lock, so writers queue on one lock instead of deadlocking with the
 * trigger that takes the same lock after a row is already locked.
 */
export function writeTransaction<T>(db: Database, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await takeWriteLock(tx);
    return work(tx);
  });
}

/**
 * Takes the version lock inside a transaction opened with `db.transaction`, for work that
 * prepares first without it (e.g. staging rows in a temporary table, which locks no row of a
 * replicated table). Nothing before it may write to repositories, tasks or documents.
 */
export async function takeWriteLock(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK_KEY]);
}
