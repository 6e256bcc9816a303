// 3. Scale of the feed: with N rows in PostgreSQL, one `changes` page (limit 100) read at
// the start, the middle and the end of the feed must take about the same time, because
// the query walks the server_version index from the checkpoint instead of scanning. The same
// holds for a reader keeping only some repositories offline (`repositories` filter): each kept
// repository walks its (repository_id, server_version) index.
import { openPostgres } from '../apps/server/src/db/postgres-database.js';
import { migrate } from '../apps/server/src/db/migrate.js';
import { writeTransaction } from '../apps/server/src/db/database.js';
import { readChanges, selectedPageQuery } from '../apps/server/src/replication/changes-feed.js';
import { versionHorizon } from '../apps/server/src/db/version-horizon.js';
import { COLLECTION_SQL } from '../apps/server/src/replication/replicated-rows.js';
import type { Principal } from '../apps/server/src/auth/principal.js';
import { createBenchDatabase } from './lib/bench-database.js';
import { median } from './lib/timing.js';
import { peakRssMiB } from './lib/memory.js';
import type { Row, Table } from './lib/table.js';
import { defineSuite } from './lib/suite.js';

const REPOSITORIES = 100;

export const feedScale = defineSuite({
  name: 'feed-scale',
  description: 'time of one changes page at the start, middle and end of a large feed',
  sizes: { quick: { total: 100_000, samples: 15 }, full: { total: 1_000_000, samples: 40 } },
  async run({ total, samples }) {
    const database = await createBenchDatabase('feed');
    const db = openPostgres({ url: database.url, maxConnections: 4 });
    try {
      await migrate(db);
      const fillStart = performance.now();
      await writeTransaction(db, async (tx) => {
        await tx.query(
          `INSERT INTO repositories (uid, name) SELECT 'bench-repo-' || g, 'repo ' || g FROM generate_series(1, $1) g`,
          [REPOSITORIES],
        );
      });
      const chunk = 100_000;
      for (let from = 1; from <= total; from += chunk) {
        const to = Math.min(total, from + chunk - 1);
        await writeTransaction(db, (tx) =>
          tx.query(
            `INSERT INTO documents (uid, repository_id, title, content)
             SELECT 'bench-doc-' || g, 1 + (g % $3), 'Document ' || g, repeat('lorem ipsum ', 20)
               FROM generate_series($1::int, $2::int) g`,
            [from, to, REPOSITORIES],
          ),
        );
      }
      const fillSeconds = (performance.now() - fillStart) / 1000;

      const admin: Principal = { userId: 0, userName: 'bench', isAdmin: true, tokenId: null };
      const [user] = await db.query<{ id: number }>(
        `INSERT INTO users (name) VALUES ('reader') RETURNING id`,
      );
      // A reader granted a tenth of the repositories: the permission filter sits before LIMIT.
      await db.query(
        `INSERT INTO repository_grants (user_id, repository_id, access)
         SELECT $1, id, 'read' FROM repositories WHERE id % 10 = 0`,
        [user!.id],
      );
      const reader: Principal = { userId: user!.id, userName: 'reader', isAdmin: false, tokenId: null };
      await db.query('ANALYZE');

      async function pageTime(
        principal: Principal,
        checkpoint: number,
        repositories?: number[],
      ): Promise<number> {
        const times: number[] = [];
        for (let i = 0; i < samples; i++) {
          const start = performance.now();
          const page = await readChanges(db, principal, {
            collection: 'documents',
            checkpoint,
            limit: 100,
            repositories,
          });
          times.push(performance.now() - start);
          if (page.documents.length !== 100) throw new Error(`expected a full page at ${checkpoint}`);
        }
        return median(times);
      }

      /** Checkpoints with a full page of readable rows after them, at the start, middle and end. */
      async function positionsFor(principal: Principal, repositories?: number[]) {
        const filter = repositories
          ? `repository_id IN (${repositories.join(',')})`
          : principal.isAdmin
            ? 'true'
            : `repository_id IN (SELECT repository_id FROM repository_grants WHERE user_id = ${principal.userId})`;
        const [bounds] = await db.query<{ middle: number; end: number }>(
          `SELECT (SELECT server_version FROM documents WHERE ${filter} ORDER BY server_version
                     OFFSET (SELECT count(*) / 2 FROM documents WHERE ${filter}) LIMIT 1) AS middle,
                  (SELECT server_version FROM documents WHERE ${filter} ORDER BY server_version DESC
                     OFFSET 100 LIMIT 1) AS end`,
        );
        return { start: 0, middle: bounds!.middle, end: bounds!.end };
      }

      const rows: Row[] = [];
      // Kept offline: one repository (1% of the rows), and three.
      const keptOne = [10];
      const keptThree = [10, 20, 30];
      for (const [who, principal, kept] of [
        ['admin', admin, undefined],
        ['reader of 10% of repositories', reader, undefined],
        ['reader keeping 1 repository offline', reader, keptOne],
        ['reader keeping 3 repositories offline', reader, keptThree],
      ] as const) {
        const repositories = kept ? [...kept] : undefined;
        const positions = await positionsFor(principal, repositories);
        const startMs = await pageTime(principal, positions.start, repositories);
        for (const [where, checkpoint] of Object.entries(positions)) {
          const ms = where === 'start' ? startMs : await pageTime(principal, checkpoint, repositories);
          const flat = ms <= startMs * 1.5 + 1;
          rows.push({
            measure: `${who}: page at the ${where}`,
            ours: ms,
            baseline: startMs,
            unit: 'ms',
            better: 'lower',
            target: 'flat (≤ 1.5× the start)',
            met: flat,
          });
        }
      }

      const visible = `x.repository_id IN (SELECT repository_id FROM repository_grants WHERE user_id = ${reader.userId})`;
      async function planOf(principal: Principal) {
        const { middle } = await positionsFor(principal);
        const condition = principal.isAdmin ? 'true' : visible;
        // As readChanges asks: above the checkpoint and below the version horizon.
        const horizon = await versionHorizon(db);
        const plan = await db.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN ${COLLECTION_SQL.documents.select}
            WHERE x.server_version > ${middle} AND x.server_version < ${horizon} AND ${condition}
            ORDER BY x.server_version LIMIT 100`,
        );
        return plan.map((line) => line['QUERY PLAN']);
      }
      const adminPlan = await planOf(admin);
      const readerPlan = await planOf(reader);
      const keptPlan = await (async () => {
        const { middle } = await positionsFor(reader, keptThree);
        const query = selectedPageQuery(reader, 'documents', keptThree, [
          middle,
          100,
          await versionHorizon(db),
        ]);
        const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query.sql}`, query.params);
        return plan.map((line) => line['QUERY PLAN']);
      })();
      const indexNote = (plan: string[]) =>
        plan.some((line) => line.includes('documents_server_version'))
          ? 'walks the documents_server_version index'
          : 'does not use the documents_server_version index';
      const table: Table = {
        title: `Changes feed over ${total.toLocaleString('en')} documents (median of ${samples} pages of 100)`,
        baselineName: 'page at the start',
        rows,
        notes: [
          `Filled in ${fillSeconds.toFixed(1)} s. Peak RSS of the bench process: ${peakRssMiB()?.toFixed(0)} MiB.`,
        ],
        details: [
          `Admin plan ${indexNote(adminPlan)}:`,
          '```',
          ...adminPlan,
          '```',
          `Reader plan ${indexNote(readerPlan)}:`,
          '```',
          ...readerPlan,
          '```',
          `Plan keeping 3 repositories offline ${
            keptPlan.some((line) => line.includes('documents_repository_version'))
              ? 'walks the documents_repository_version index per repository'
              : 'does not use the documents_repository_version index'
          }:`,
          '```',
          ...keptPlan,
          '```',
        ],
      };
      return [table];
    } finally {
      await db.close();
      await database.drop();
    }
  },
});
