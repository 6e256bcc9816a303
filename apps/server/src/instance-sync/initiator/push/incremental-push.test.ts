// What makes the re-push cheap: after a full push, editing 1% of the documents makes the
// next push carry exactly those documents and nothing else. Times are measured by
// `pnpm bench` (bench/instance-sync.ts), never asserted here: tests must not fail on a slow
// machine. SYNC_BENCH_DOCUMENTS=10000 runs the same check at benchmark size.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTransaction } from '../../../db/database.js';
import { testDatabaseKinds } from '../../../testing/test-database.js';
import { linkPeers, runSync, seedRepository, usePeers } from '../../../testing/peer-test-kit.js';

const DOCUMENTS = Number(process.env.SYNC_BENCH_DOCUMENTS ?? 100);

describe.each(testDatabaseKinds())('push speed on %s', (kind) => {
  const [a, b] = usePeers(kind, { requestTimeoutMs: 60_000 }, {});
  beforeAll(async () => {
    await linkPeers(a, b);
  });

  it(`pushes ${DOCUMENTS} documents of ~4 KB, then re-pushes only a 1% edit`, async () => {
    const repo = await seedRepository(a.t.database.db, 'speed', DOCUMENTS / 4, 4, 4000);
    const full = await runSync(a, '/api/sync', { target_server: b.base, repository_id: repo.id });
    expect(full.session).toMatchObject({ status: 'completed', error: null });
    expect(full.session.counts.created).toBe(DOCUMENTS + DOCUMENTS / 4);

    const edited = repo.documentIds.filter((_, index) => index % 100 === 0);
    await writeTransaction(a.t.database.db, (tx) =>
      tx.query(
        `UPDATE documents SET content = content || ' edited' WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb->'v')::bigint)`,
        [{ v: edited }],
      ),
    );
    const incremental = await runSync(a, '/api/sync', { target_server: b.base, repository_id: repo.id });
    expect(incremental.session.counts).toMatchObject({ updated: edited.length, total: edited.length });
    expect(incremental.session.incremental).toBe(true);
  });
});
