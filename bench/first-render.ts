// Time to first render of a repository page while its first sync is still running, in
// headless Chromium against the built app: a fresh browser opens the page of a generated
// repository and we time its heading, the indicator's first "n of N", and the download's end.
// What a person waits for before the page is usable is the first figure, not the last.
import { launchBrowser, signedInContext } from '../test/support/browser.js';
import { seedGeneratedRepository } from './lib/generated-repository.js';
import { startBenchServer } from './lib/server-process.js';
import { defineSuite } from './lib/suite.js';
import type { Row, Table } from './lib/table.js';

const shownCount = (text: string | null) =>
  Number(/Downloading ([\d,]+)/.exec(text ?? '')?.[1]?.replace(/,/g, '') ?? NaN);

export const firstRender = defineSuite({
  name: 'first-render',
  description: 'Chromium: repository page first render during its first sync, and the sync itself',
  sizes: { quick: { tasks: 2_000 }, full: { tasks: 10_000 } },
  async run({ tasks }) {
    const server = await startBenchServer('first_render');
    const browser = await launchBrowser();
    try {
      const generated = await seedGeneratedRepository(server.database.url, 'bench-first-render', tasks);
      const context = await signedInContext(browser, server.url, server.adminToken);
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(`/repo/${generated.id}`);
      const count = page.locator('[data-test="first-sync-count"]').first();
      await count.waitFor({ timeout: 120_000 });
      const firstCount = performance.now() - started;
      await page.getByRole('heading', { name: 'bench-first-render' }).waitFor({ timeout: 120_000 });
      const heading = performance.now() - started;
      const progressAtHeading = await count.textContent({ timeout: 500 }).catch(() => null);
      await page.locator('[data-test="task-table"] tbody tr').first().waitFor({ timeout: 300_000 });
      const firstRow = performance.now() - started;
      await count.waitFor({ state: 'detached', timeout: 300_000 });
      const downloaded = performance.now() - started;
      await context.close();
      const row = (measure: string, ms: number): Row => ({
        measure,
        ours: ms / 1000,
        baseline: null,
        unit: 's',
        better: 'lower',
      });
      const table: Table = {
        title: `First render during the first sync (Chromium, ${tasks.toLocaleString('en')} tasks)`,
        baselineName: '—',
        rows: [
          row('indicator shows its first "n of N"', firstCount),
          row('repository page heading rendered', heading),
          row('first task row rendered', firstRow),
          row('first sync finished (n = N)', downloaded),
        ],
        notes: [
          `When the heading rendered the indicator said: ${progressAtHeading ?? '(download already finished)'} (${shownCount(progressAtHeading)} rows in).`,
          `Rows to sync: ${generated.tasks} tasks and ${generated.documentRows} documents, with their repository.`,
        ],
      };
      return [table];
    } finally {
      await browser.close();
      await server.dispose();
    }
  },
});
