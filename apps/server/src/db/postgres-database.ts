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
  };
}

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
}

export function openPostgres({ url, maxConnections = 10 }: PostgresOptions): Database {
  const sql = postgres(url, {
    max: maxConnections,
    onnotice: () => {},
    types: { bigint: bigintAsNumber },
    connection: { application_name: 'wikisync' },
  }) as unknown as Sql;
  const base = queryable(sql);
  return {
    kind: 'postgres',
    ...base,
    async transaction(work) {
      return (await sql.begin((tx) => work(queryable(tx)))) as Awaited<ReturnType<typeof work>>;
    },
    async listen(channel: string, handler: NotificationHandler) {
      // postgres.js keeps one dedicated LISTEN connection and re-listens after a reconnect.
      const subscription = await sql.listen(channel, handler);
      return () => subscription.unlisten();
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
