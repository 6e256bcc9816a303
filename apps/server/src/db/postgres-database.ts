import postgres from 'postgres';
import type { Database, NotificationHandler, Queryable } from './database.js';

type Sql = postgres.Sql<Record<string, never>>;

// int8 columns (ids, versions, counts) come back as JS numbers, as they do from PGlite.
// Ids stay far below 2^53, so nothing is lost.
const bigintAsNumber = {
  to: 20,
  from: [20],
  serialize: (value: unknown) => String(value),
  parse: (value: string) => Number(value),
};

function queryable(sql: Sql | postgres.TransactionSql<Record<string, never>>): Queryable {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      // postgres.js serialises each parameter by the type the server infers for it, so JSON
      // objects go in as objects and are encoded once.
      const rows = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
      return rows as unknown as Row[];
    },
    async exec(text: string) {
      await sql.unsafe(text);
    },
    async copyIn(target: string, data: Uint8Array) {
      const stream = await sql.unsafe(`COPY ${target} FROM STDIN`).writable();
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('finish', resolve);
        stream.end(data);
      });
    },
  };
}

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
}

/** Connections of the progress pool: one write and one status read at a time never wait. */
const PROGRESS_CONNECTIONS = 2;

function client(url: string, max: number, name: string): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    types: { bigint: bigintAsNumber },
    connection: { application_name: name },
  }) as unknown as Sql;
}

export function openPostgres({ url, maxConnections = 10 }: PostgresOptions): Database {
  const sql = client(url, maxConnections, 'wikisync');
  // Opened on first use: most processes (the CLI, short tests) never report progress.
  let progressSql: Sql | undefined;
  const progressClient = () =>
    queryable((progressSql ??= client(url, PROGRESS_CONNECTIONS, 'wikisync-progress')));
  const progress: Queryable = {
    query: <Row>(text: string, params?: readonly unknown[]) => progressClient().query<Row>(text, params),
    exec: (text: string) => progressClient().exec(text),
    copyIn: (target: string, data: Uint8Array) => progressClient().copyIn(target, data),
  };
  const base = queryable(sql);
  return {
    kind: 'postgres',
    ...base,
    progress,
    async transaction(work) {
      return (await sql.begin((tx) => work(queryable(tx)))) as Awaited<ReturnType<typeof work>>;
    },
    async listen(channel: string, handler: NotificationHandler) {
      // postgres.js keeps one dedicated LISTEN connection and re-listens after a reconnect.
      const subscription = await sql.listen(channel, handler);
      return () => subscription.unlisten();
    },
    async close() {
      await Promise.all([sql.end({ timeout: 5 }), progressSql?.end({ timeout: 5 })]);
    },
  };
}
