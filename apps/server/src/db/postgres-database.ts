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

/** Types a statement may give a parameter by a cast (`$1::bigint`), by their oids. */
const CAST_TYPES: Record<string, number> = {
  bigint: 20,
  int8: 20,
  int: 23,
  integer: 23,
  int4: 23,
  text: 25,
  boolean: 16,
  json: 114,
  jsonb: 3802,
  timestamptz: 1184,
};

/**
 * The parameters' types of `text` when it casts every one of them, at every place it names it,
 * to one of CAST_TYPES (`$1::jsonb`, `($2)::bigint`): the types the server gives them. Else
 * undefined.
 */
export function castTypes(text: string, count: number): number[] | undefined {
  const types: number[] = [];
  for (let n = 1; n <= count; n++) {
    let type: number | undefined;
    // `$n::name` or `($n)::name`, the name not that of an array or a type with a modifier.
    for (const match of text.matchAll(
      new RegExp(`((?<![\\w"])\\()?\\$${n}(?!\\d)(\\)?)(?:::(\\w+)(?![\\w[(]))?`, 'g'),
    )) {
      const [, open, close, name] = match;
      // `f($n)::name` casts what f answers, not the parameter.
      const cast =
        name === undefined || (close === ')' && open === undefined)
          ? undefined
          : CAST_TYPES[name.toLowerCase()];
      if (cast === undefined || (type !== undefined && type !== cast)) return undefined;
      type = cast;
    }
    if (type === undefined) return undefined;
    types.push(type);
  }
  return types;
}

/** At most this many statement texts have their parameters' types remembered (`ParameterTypes`). */
const REMEMBERED_STATEMENTS = 1000;

/**
 * Statements typed by `ParameterTypes`: the code's own texts, a few kilobytes and parameters
 * each. A longer one (none today) is left to the driver rather than read for casts per
 * parameter and kept.
 */
const typable = (text: string, count: number) => count > 0 && count <= 64 && text.length <= 16_384;

/**
 * The driver asks the server for a statement's parameter types (Parse and Describe, then Bind
 * only once the answer is back) whenever it cannot type every parameter itself: at the first
 * run of a prepared statement on each connection, and at every run of an unprepared one.
 * Under a repository's lock each such round trip is one its next writer waits: in a full push
 * of 10,000 tasks the receiver's four connections spent 236 ms between a Parse and its Bind.
 * Sent typed, the statement goes out as Parse, Describe, Bind and Execute at once
 * (patches/postgres@3.4.9.patch), with the types the server would have given it:
 *
 * - the types its text casts every parameter to (`castTypes`), for any statement;
 * - for an unprepared statement, the types the server gave that very text at an earlier run
 *   (not for a prepared one: typed, it would be prepared a second time beside the untyped one
 *   on the connections that ran it first).
 *
 * The server's types for a text depend only on the schema, which changes only by migrations,
 * and they run before anything else.
 */
class ParameterTypes {
  private readonly cast = new Map<string, readonly number[] | null>();
  private readonly learnt = new Map<string, readonly number[]>();

  /** The types `text` casts its parameters to, when it casts every one (`castTypes`). */
  castOf(text: string, count: number): readonly number[] | undefined {
    if (!typable(text, count)) return undefined;
    let cast = this.cast.get(text);
    if (cast === undefined) {
      cast = castTypes(text, count) ?? null;
      bounded(this.cast).set(text, cast);
    }
    return cast ?? undefined;
  }

  /** The types the server gave the parameters of `text` when it last ran unprepared. */
  learntOf(text: string, count: number): readonly number[] | undefined {
    const learnt = this.learnt.get(text);
    return learnt?.length === count ? learnt : undefined;
  }

  /** Remembers what the server typed the parameters of an unprepared statement sent untyped. */
  learn(text: string, count: number, result: unknown): void {
    const types = (result as { statement?: { types?: readonly number[] } }).statement?.types;
    if (!typable(text, count) || !types || types.length !== count || !types.every((type) => type > 0)) return;
    bounded(this.learnt).set(text, [...types]);
  }
}

/** Whether the driver gives `value` a type of its own (postgres.js `inferType`). */
const typesItself = (value: unknown) =>
  value instanceof Date ||
  value instanceof Uint8Array ||
  typeof value === 'boolean' ||
  typeof value === 'bigint';

/** `map`, emptied when full. Statement texts are the code's own, so it seldom is. */
function bounded<V>(map: Map<string, V>): Map<string, V> {
  if (map.size >= REMEMBERED_STATEMENTS) map.clear();
  return map;
}

function queryable(
  sql: Sql | postgres.TransactionSql<Record<string, never>>,
  prepared: boolean,
  parameterTypes: ParameterTypes,
): Queryable {
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
      // Typed as the server types them (`ParameterTypes`); for a statement planned for each
      // run whose every value has a kind, by that kind, as before (`typedParameters`);
      // otherwise untyped, and the driver asks the server.
      // A value the driver types itself (a date, bytes, a boolean) keeps the driver's type.
      const typed = (types: readonly number[]) =>
        params.map((value, i) =>
          typesItself(value) ? value : sql.typed(value as postgres.SerializableParameter, types[i]!),
        );
      const cast = parameterTypes.castOf(text, params.length);
      let sent: readonly unknown[] = cast ? typed(cast) : eachRun ? typedParameters(sql, params) : params;
      if (sent === params && !prepare) {
        const learnt = parameterTypes.learntOf(text, params.length);
        if (learnt) sent = typed(learnt);
      }
      const rows = await sql.unsafe(text, sent as postgres.ParameterOrJSON<never>[], { prepare });
      if (sent === params && !prepare) parameterTypes.learn(text, params.length, rows);
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
        const chunks: Buffer[] = [];
        let size = 0;
        await new Promise<void>((resolve, reject) => {
          stream.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.byteLength;
          });
          stream.on('end', resolve);
          stream.on('error', reject);
        });
        // The driver hands over one chunk per row. Joined once here (a copy of megabytes, a
        // millisecond or two), the caller writes one buffer where it wrote thousands: a full
        // push of 21,500 rows spent ~0.1 CPU-s in the HTTP request's stream writes alone.
        return chunks.length <= 1 ? chunks : [Buffer.concat(chunks, size)];
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
  const parameterTypes = new ParameterTypes();
  // Opened on first use: most processes (the CLI, short tests) never report progress.
  let progressSql: Sql | undefined;
  const progressClient = () =>
    queryable(
      (progressSql ??= client(url, PROGRESS_CONNECTIONS, 'wikisync-progress', PROGRESS_SETTINGS)),
      preparedStatements,
      parameterTypes,
    );
  const progress: Queryable = {
    query: <Row>(text: string, params?: readonly unknown[]) => progressClient().query<Row>(text, params),
    exec: (text: string) => progressClient().exec(text),
    copyIn: (target: string, data: Uint8Array | readonly Uint8Array[]) =>
      progressClient().copyIn(target, data),
    copyOut: (select: string) => progressClient().copyOut(select),
  };
  const base = queryable(sql, preparedStatements, parameterTypes);
  return {
    kind: 'postgres',
    ...base,
    progress,
    async transaction(work) {
      return (await sql.begin((tx) => work(queryable(tx, preparedStatements, parameterTypes)))) as Awaited<
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
