// First sync of a browser that keeps one repository offline out of many, against the same
// browser keeping all of them (what every browser did before the offline choice), in headless
// Chromium with real IndexedDB. Both pull every repository row (the list page shows each
// readable repository); only the kept repository's tasks and documents come down.
import { launchBrowser } from '../../test/support/browser.js';
import { seedGeneratedRepository, type GeneratedRepository } from '../lib/generated-repository.js';
import { startBenchServer, type BenchServer } from '../lib/server-process.js';
import { defineSuite } from '../lib/suite.js';
import type { Table } from '../lib/table.js';
import { logPhase } from '../lib/timing.js';
import { openBenchPage } from './browser-bundle.js';

async function firstSyncInChromium(server: BenchServer, keep: number[] | null) {
  const browser = await launchBrowser();
  try {
    const page = await openBenchPage(browser, server.url);
    return await page.evaluate(({ url, token, kept }) => window.benchSelectiveSync(url, token, kept), {
      url: server.url,
      token: server.adminToken,
      kept: keep,
    });
  } finally {
    await browser.close();
  }
}

export const selectiveSync = defineSuite({
  name: 'selective-sync',
  description: 'first sync in Chromium keeping 1 repository offline out of many, vs keeping all',
  sizes: {
    quick: { repositories: 50, tasks: 20 },
    full: { repositories: 50, tasks: 1_000 },
  },
  async run({ repositories, tasks }): Promise<Table[]> {
    const server = await startBenchServer('selective');
    try {
      const seeded: GeneratedRepository[] = [];
      for (let index = 1; index <= repositories; index++)
        seeded.push(await seedGeneratedRepository(server.database.url, `bench-selective-${index}`, tasks));
      const kept = seeded[0]!;
      logPhase(`seeded ${repositories} × ${tasks} tasks; Chromium, keeping 1`);
      const one = await firstSyncInChromium(server, [kept.id]);
      logPhase('Chromium, keeping all');
      const all = await firstSyncInChromium(server, null);
      const totalDocuments = seeded.reduce((sum, repository) => sum + repository.documentRows, 0);
      if (one.counts.documents !== kept.documentRows || one.counts.tasks !== tasks)
        throw new Error(
          `keeping 1: the replica holds ${JSON.stringify(one.counts)}, expected ${tasks} tasks`,
        );
      if (all.counts.documents !== totalDocuments)
        throw new Error(`keeping all: ${all.counts.documents} documents, expected ${totalDocuments}`);
      const megabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      return [
        {
          title: `Selective sync: first sync in Chromium keeping 1 of ${repositories} repositories offline (each ${tasks.toLocaleString('en')} tasks), against keeping all`,
          baselineName: 'keeping all',
          rows: [
            {
              measure: 'first sync until in sync',
              ours: one.ms,
              baseline: all.ms,
              unit: 'ms',
              better: 'lower',
              target: 'reported',
            },
            {
              measure: 'rows stored in IndexedDB (repositories, tasks, documents)',
              ours: one.counts.repositories! + one.counts.tasks! + one.counts.documents!,
              baseline: all.counts.repositories! + all.counts.tasks! + all.counts.documents!,
              unit: 'rows',
              better: 'lower',
              target: 'only the kept one',
              met: one.counts.tasks === tasks,
            },
          ],
          notes: [
            `Markdown downloaded: ${megabytes(kept.contentBytes)} MiB keeping 1, ${megabytes(seeded.reduce((sum, repository) => sum + repository.contentBytes, 0))} MiB keeping all.`,
            'Both replicas hold every repository row (the list shows each readable repository with its "Keep offline" switch).',
          ],
        },
      ];
    } finally {
      await server.dispose();
    }
  },
});
