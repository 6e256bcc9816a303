// Baseline (a): `pg_dump --data-only` of the same three tables piped into `psql` on a
// database that has only the schema: the floor for moving the bytes. The target's stamping
// trigger fires per row there too, as it must for any write that replicas can see.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres } from '../../apps/server/src/db/postgres-database.js';
import { migrate } from '../../apps/server/src/db/migrate.js';
import { createBenchDatabase } from '../lib/bench-database.js';

export interface DumpResult {
  ms: number;
  documents: number;
  pgDumpPeakMiB: number | null;
  psqlPeakMiB: number | null;
}

export async function dumpIntoFreshDatabase(sourceUrl: string): Promise<DumpResult> {
  const target = await createBenchDatabase('dump');
  const db = openPostgres({ url: target.url, maxConnections: 1 });
  const scratch = mkdtempSync(join(tmpdir(), 'wikisync-bench-'));
  try {
    await migrate(db);
    // Each side under /usr/bin/time so that its peak RSS is recorded after it exits.
    const script = [
      'set -o pipefail',
      `/usr/bin/time -f %M -o ${scratch}/dump.kb pg_dump --data-only -t repositories -t tasks -t documents "$SOURCE"`,
      `| /usr/bin/time -f %M -o ${scratch}/psql.kb psql -q -v ON_ERROR_STOP=1 "$TARGET" >/dev/null`,
    ].join('\n');
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn('bash', ['-c', script.replace('\n|', ' |')], {
        env: { ...process.env, SOURCE: sourceUrl, TARGET: target.url },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`pg_dump | psql exited with ${code}: ${stderr}`)),
      );
    });
    const ms = performance.now() - start;
    const [count] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents');
    const kb = (file: string) => {
      try {
        return Number(readFileSync(join(scratch, file), 'utf8').trim().split('\n').pop()) / 1024;
      } catch {
        return null;
      }
    };
    return { ms, documents: Number(count!.n), pgDumpPeakMiB: kb('dump.kb'), psqlPeakMiB: kb('psql.kb') };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await db.close();
    await target.drop();
  }
}
