// One database module, two backends: postgres.js for a real PostgreSQL server and PGlite
// (PostgreSQL compiled to WASM, in-process) as the zero-setup default. Both speak the same
// SQL with `$n` placeholders; nothing above this folder knows which one is in use.

export type DatabaseKind = 'postgres' | 'pglite';

/**
 * Put in a statement's text, keeps it from being prepared: it is planned for the parameters of
 * each run. For statements whose best plan depends on how many rows a list parameter holds
 * and on how large the tables are now (sql-lists.ts `probeOne`): a prepared statement may
 * settle on a generic plan chosen while the tables were nearly empty, and in a full push of
 * 10,000 tasks one such plan scanned a whole table once per element, 1 to 5 s per chunk.
 * On PostgreSQL its parameters go with their types when all are texts, integers or JSON
 * objects (text, int8, jsonb: postgres-database.ts `typedParameters`), so a string parameter
 * of such a statement is compared with text, not with a column of another type.
 */
export const PLAN_EACH_RUN = '/* planned each run */';

export interface Queryable {
  /** Runs one statement with `$1..$n` parameters. JSON values are passed as plain objects. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs several `;`-separated statements without parameters (migrations, scripts). */
  exec(text: string): Promise<void>;
  /**
   * `COPY table (columns) FROM STDIN` with `data` in COPY's text format (tab between
   * columns, a newline after each row, `\N` for NULL, backslash escapes): bulk loads without a
   * parameter to parse. `target` is `table (columns)`. `data` may be one buffer or the parts
   * it arrived in, written in order without joining them.
   */
  copyIn(target: string, data: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /**
   * `COPY (select) TO STDOUT`: the rows of `select` (a statement without parameters) in COPY's
   * text format, as the database writes them, without decoding a row. They come as the parts
   * the driver read (one per row on PostgreSQL), not joined: tens of megabytes copied into one
   * buffer cost a copy and fresh memory, and a request body can be sent as its parts.
   */
  copyOut(select: string): Promise<Uint8Array[]>;
}

export type NotificationHandler = (payload: string) => void;

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /**
   * Runs `work` in one transaction; it commits when `work` resolves and rolls back when it
   * throws. Writes to replicated tables must go through `writeTransaction` instead.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Connections of their own for progress: a running session's counters and heartbeat, and
   * the status reads that show them. They never queue behind the main pool's batch and
   * replication work, so a status moves at least once a second however busy the server is.
   * Progress rows are not replicated rows: they take no version and no repository lock.
   */
  readonly progress: Queryable;
  /**
   * LISTEN on a channel; resolves to a function that stops listening. `onRelisten` runs each
   * time LISTEN is active again after its connection was lost and reopened: notifications
   * sent in between never arrive.
   */
  listen(
    channel: string,
    handler: NotificationHandler,
    onRelisten?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Key of the advisory lock under which every writer drew its version before migration 007.
 * Nothing takes it any more except migration 007, which waits on it for the last writers of
 * the old scheme; migration 001's SQL names it, so it stays.
 */
export const WRITE_LOCK_KEY = 7_319_001;

/** How often a write transaction is tried when it lost a race to a concurrent writer. */
const WRITE_ATTEMPTS = 5;

/**
 * SQLSTATEs that mean "another transaction got there first": a deadlock between row or
 * repository locks (40P01), or a row with the same unique key inserted by a concurrent writer
 * after this one looked and found none (23505). A new attempt reads the state that won.
 */
const RETRYABLE_CODES = new Set(['40P01', '23505']);

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/**
 * A transaction for writes to repositories, tasks or documents. Writers run side by side: the
 * changes feed needs no lock (migration 007 and `replication/changes-feed.ts` say why), and
 * what a writer must keep to itself it locks itself, with `lockRepositories` (a repository's
 * rows) and row locks. Losing a race to a concurrent writer (see RETRYABLE_CODES) rolls back
 * and runs `work` again on a fresh transaction, so `work` must leave nothing behind outside
 * the database before it returns.
 */
export async function writeTransaction<T>(db: Database, work: (tx: Queryable) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt >= WRITE_ATTEMPTS || !isRetryable(error)) throw error;
      // A little jitter, so that two writers that collided do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
