import postgres from 'postgres';
import { PLAN_EACH_RUN, type Database, type NotificationHandler, type Queryable } from './database.js';

type Sql = postgres.Sql<Record<string, never>>;

// int8 columns (ids, versions, counts) come back as JS numbers, as they do from PGlite.
// Ids stay far below 2^53, so nothing is lost.
const bigintAsNumber = {
  to: 20,
  from: [20],
  serialize: (value: unknown) => String(value),
  parse: (value: string) => Number(value),
};

/** Statements longer than this are not prepared (see `query`). */
const PREPARED_TEXT_LIMIT = 4096;

/** PostgreSQL's type oids for the parameters `typedParameters` types. */
const TEXT_OID = 25;
const INT8_OID = 20;
const JSONB_OID = 3802;

/**
 * The parameters of an unprepared statement, each with its type, when every one is a text, an
 * integer or a JSON object (a list, `{v: [...]}`), as in the lookups planned for each run
 * (sql-lists.ts `probeOne`); else as they are. A statement whose parameters' types the driver
 * knows goes out with them in one round trip; otherwise the driver first asks the server for
 * them, a round trip more, and sends nothing after it meanwhile (patches/postgres@3.4.9.patch).
 * Under a repository's lock a chunk made several such lookups, each one its writers' wait.
 */
function typedParameters(
  sql: Sql | postgres.TransactionSql<Record<string, never>>,
  params: readonly unknown[],
) {
  const typed = params.map((value) =>
    typeof value === 'string'
      ? sql.typed(value, TEXT_OID)
      : Number.isSafeInteger(value)
        ? sql.typed(value as number, INT8_OID)
        : value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype
          ? sql.typed(value as postgres.JSONValue, JSONB_OID)
          : undefined,
  );
  return typed.every((value) => value !== undefined) ? typed : params;
}

function queryable(sql: Sql | postgres.TransactionSql<Record<string, never>>, prepared: boolean): Queryable {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      // postgres.js serialises each parameter by the type the server infers for it, so JSON
      // objects go in as objects and are encoded once. A short parameterised statement is
      // prepared once per connection: the replication queries run thousands of times a minute,
      // and parsing and planning them each time was 40 % of the database's CPU per push (bench
      // concurrent-push). Long texts (multi-row batches, whose text varies with the row count)
      // stay unnamed, so a connection never piles up prepared statements. PostgreSQL keeps a
      // generic plan only where it costs no more than the custom ones; for the changes feed
      // (admin, reader, and filtered by repository) the generic plan is the same index walk
      // (checked with force_generic_plan on 200,000 documents).
      // A statement marked PLAN_EACH_RUN is planned for each run's parameters instead.
      const eachRun = text.includes(PLAN_EACH_RUN);
      const prepare = prepared && params.length > 0 && text.length <= PREPARED_TEXT_LIMIT && !eachRun;
      const rows = await sql.unsafe(
        text,
        (eachRun ? typedParameters(sql, params) : params) as postgres.ParameterOrJSON<never>[],
        { prepare },
      );
      return rows as unknown as Row[];
    },
    async exec(text: string) {
      await sql.unsafe(text);
    },
    copyIn: (target: string, data: Uint8Array | readonly Uint8Array[]) =>
      onOwnConnection(sql, async (own) => {
        const stream = await own.unsafe(`COPY ${target} FROM STDIN`).writable();
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.on('finish', resolve);
          // Parts go as they are, in order: the stream buffers what the socket cannot take yet.
          for (const part of data instanceof Uint8Array ? [data] : data) stream.write(part);
          stream.end();
        });
      }),
    copyOut: (select: string) =>
      onOwnConnection(sql, async (own) => {
        const stream = await own.unsafe(`COPY (${select}) TO STDOUT`).readable();
        // Read as it flows: a reader that falls behind makes the driver pause its socket, which
        // the driver did not always resume at the end (patches/postgres@3.4.9.patch).
        const chunks: Uint8Array[] = [];
        await new Promise<void>((resolve, reject) => {
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', resolve);
          stream.on('error', reject);
        });
        return chunks;
      }),
  };
}

/**
 * Runs a COPY on a connection no other query is sent to meanwhile. A pool whose connections
 * are all busy pipelines the next query onto one of them, and the driver fails a query that
 * lands on a connection while it copies (COPY_IN_PROGRESS): under load an instance sync's
 * COPY on the pool failed the requests beside it, or itself. A transaction's connection is
 * its own already.
 */
async function onOwnConnection<T>(
  sql: Sql | postgres.TransactionSql<Record<string, never>>,
  work: (
    own: Sql | postgres.TransactionSql<Record<string, never>> | postgres.ReservedSql<Record<string, never>>,
  ) => Promise<T>,
): Promise<T> {
  if (!('reserve' in sql)) return work(sql);
  const own = await sql.reserve();
  try {
    return await work(own);
  } finally {
    own.release();
  }
}

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
  /**
   * Prepare short repeated statements once per connection (default). Off behind a pooler in
   * transaction mode that does not track prepared statements (PgBouncer before 1.21).
   */
  preparedStatements?: boolean;
}

/** Connections of the progress pool: one write and one status read at a time never wait. */
const PROGRESS_CONNECTIONS = 2;

function client(url: string, max: number, name: string, settings: Record<string, string> = {}): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    types: { bigint: bigintAsNumber },
    connection: { application_name: name, ...settings },
  }) as unknown as Sql;
}

/**
 * The progress connections commit without waiting for the WAL flush: what they write (a
 * session's counters and its items) is flushed by the session's end, written durably on the
 * main pool, and a commit that waited behind a loaded server's flush held one of the two
 * connections for up to a second and the status reads queued behind it (session-store.ts).
 */
const PROGRESS_SETTINGS = { synchronous_commit: 'off' };

export function openPostgres({
  url,
  maxConnections = 10,
  preparedStatements = true,
}: PostgresOptions): Database {
  const sql = client(url, maxConnections, 'wikisync');
  // Opened on first use: most processes (the CLI, short tests) never report progress.
  let progressSql: Sql | undefined;
  const progressClient = () =>
    queryable(
      (progressSql ??= client(url, PROGRESS_CONNECTIONS, 'wikisync-progress', PROGRESS_SETTINGS)),
      preparedStatements,
    );
  const progress: Queryable = {
    query: <Row>(text: string, params?: readonly unknown[]) => progressClient().query<Row>(text, params),
    exec: (text: string) => progressClient().exec(text),
    copyIn: (target: string, data: Uint8Array | readonly Uint8Array[]) =>
      progressClient().copyIn(target, data),
    copyOut: (select: string) => progressClient().copyOut(select),
  };
  const base = queryable(sql, preparedStatements);
  return {
    kind: 'postgres',
    ...base,
    progress,
    async transaction(work) {
      return (await sql.begin((tx) => work(queryable(tx, preparedStatements)))) as Awaited<
        ReturnType<typeof work>
      >;
    },
    async listen(channel: string, handler: NotificationHandler, onRelisten?: () => void) {
      // postgres.js keeps one dedicated LISTEN connection and re-listens after a reconnect;
      // it calls `onlisten` after the first LISTEN and after each re-listen.
      let listened = false;
      const onlisten = () => {
        if (listened) onRelisten?.();
        listened = true;
      };
      const subscription = await sql.listen(channel, handler, onlisten);
      return () => subscription.unlisten();
    },
    async close() {
      await Promise.all([sql.end({ timeout: 5 }), progressSql?.end({ timeout: 5 })]);
    },
  };
}
