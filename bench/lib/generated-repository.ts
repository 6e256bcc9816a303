// The generated repository both sync benchmarks use: `tasks` tasks with one current document
// each (markdown of about 4 KB on average, lengths varying 2.4–5.8 KB), and for every tenth
// task 1–2 older versions of its document (so 10% of documents have 2–3 versions), chained by
// replaced_by_uid as the product writes them. Written straight into the database, set-based,
// so seeding is not part of any figure.
import { writeTransaction, type Database } from '../../apps/server/src/db/database.js';
import { withConnection } from './bench-database.js';

export interface GeneratedRepository {
  id: number;
  tasks: number;
  documentRows: number;
  contentBytes: number;
}

// versions(n): 3 for every 20th task, 2 for the other tenths, else 1.
const VERSIONS = `(CASE WHEN n % 20 = 0 THEN 3 WHEN n % 10 = 0 THEN 2 ELSE 1 END)`;

export async function seedGeneratedRepository(
  databaseUrl: string,
  name: string,
  tasks: number,
): Promise<GeneratedRepository> {
  return withConnection(databaseUrl, async (db) => {
    const generated = await writeTransaction(db, async (tx) => {
      const [repository] = await tx.query<{ id: number }>(
        `INSERT INTO repositories (uid, name, url, status) VALUES ($1, $1, 'https://example.com/' || $1, 'ready') RETURNING id`,
        [name],
      );
      const id = Number(repository!.id);
      await tx.query(
        `INSERT INTO tasks (uid, repository_id, title, task_type, status, sort_order, outline)
         SELECT $2 || '-task-' || n, $1, 'Task ' || n, 'module', 'succeeded', n, 'Outline of module ' || n
           FROM generate_series(1, $3::int) AS n`,
        [id, name, tasks],
      );
      // 60-byte units repeated 40–96 times: about 4 KB on average per document.
      await tx.query(
        `INSERT INTO documents (uid, repository_id, task_id, title, filename, content, sort_order, version, is_latest, replaced_by_uid)
         SELECT $2 || '-doc-' || n || '-v' || k, $1, t.id, 'Module ' || n || ' (v' || k || ')', 'module-' || n || '.md',
                '# Module ' || n || E'\n\n## Version ' || k || E'\n\n' || repeat(md5((n * 7 + k)::text) || ' lorem ipsum dolor sit amet, ', 40 + (n % 57)),
                n, k, k = ${VERSIONS},
                CASE WHEN k < ${VERSIONS} THEN $2 || '-doc-' || n || '-v' || (k + 1) END
           FROM generate_series(1, $3::int) AS n
           JOIN tasks t ON t.uid = $2 || '-task-' || n
           CROSS JOIN LATERAL generate_series(1, ${VERSIONS}) AS k`,
        [id, name, tasks],
      );
      await tx.query(
        `UPDATE tasks t SET doc_uid = d.uid FROM documents d
          WHERE d.task_id = t.id AND d.is_latest AND t.repository_id = $1`,
        [id],
      );
      const [stats] = await tx.query<{ rows: number; bytes: number }>(
        `SELECT count(*)::int AS rows, sum(octet_length(content))::bigint AS bytes FROM documents WHERE repository_id = $1`,
        [id],
      );
      return { id, tasks, documentRows: Number(stats!.rows), contentBytes: Number(stats!.bytes) };
    });
    await settle(db);
    return generated;
  });
}

/**
 * Leaves the seeded rows as a repository written long before a sync finds them: the first
 * reader of freshly inserted rows would otherwise pay for setting their hint bits (and dirty
 * every page again), the seed's `UPDATE` leaves dead rows for autovacuum to clean up in the
 * middle of a measurement, and the seed's WAL waits for a checkpoint. Whichever figure ran
 * first, ours or a baseline's, would carry that cost.
 */
async function settle(db: Database): Promise<void> {
  await db.query('VACUUM (ANALYZE) repositories, tasks, documents');
  // CHECKPOINT needs a superuser or pg_checkpoint; a bench database without either still runs.
  await db.query('CHECKPOINT').catch((error: { code?: string }) => {
    if (error.code !== '42501') throw error;
  });
}

/** Edits `percent`% of the repository's current documents, as an author would. */
export async function editDocuments(
  databaseUrl: string,
  repositoryId: number,
  percent: number,
): Promise<number> {
  const every = Math.round(100 / percent);
  const edited = await withConnection(databaseUrl, (db) =>
    writeTransaction(db, (tx) =>
      tx.query(
        `UPDATE documents SET content = content || E'\n\nEdited.', updated_at = now()
          WHERE repository_id = $1 AND is_latest AND sort_order % $2 = 0 RETURNING id`,
        [repositoryId, every],
      ),
    ),
  );
  return edited.length;
}
