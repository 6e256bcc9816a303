// A first sync in real Chromium against the built app: the indicator shows the exact
// "Downloading n of N" (N as the server counts it) with a bar, the repository page and its
// first tasks render before the download ends, and the browser's storage answer is shown.
import { describe, expect, it } from 'vitest';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { adminApi } from '../support/api.js';

const TASKS = 6000;

// Run in the page before the app: notes what the sync indicator said at the moment the first
// task row entered the page (a string, so the test runner's compiled helpers stay out of it).
const NOTE_INDICATOR_AT_FIRST_ROW = `
  new MutationObserver((_, observer) => {
    if (!document.querySelector('[data-test="task-table"] tbody tr')) return;
    const count = document.querySelector('[data-test="first-sync-count"]');
    window.__indicatorAtFirstRow = count ? count.textContent : '(no download shown)';
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
`;

describe('first sync progress in a real browser', () => {
  const { server, browser } = useAppInBrowser();

  it('shows an exact n of N while the repository page already renders', async () => {
    const admin = adminApi(server);
    const repo = repositoryDoc({ name: 'big-wiki' });
    const push = (collection: string, docs: unknown[]) =>
      admin('POST', '/api/v1/sync/push', {
        collection,
        rows: docs.map((doc) => ({ assumed_master_state: null, new_document_state: doc })),
      });
    await push('repositories', [repo]);
    for (let i = 0; i < TASKS; i += 1000) {
      await push(
        'tasks',
        Array.from({ length: 1000 }, (_, n) => taskDoc(repo.uid, { title: `task ${i + n}` })),
      );
    }
    const { items } = await admin<{ items: { id: number; uid: string }[] }>('GET', '/api/repositories');
    const repositoryId = items.find((item) => item.uid === repo.uid)!.id;
    const status = await admin<{ collections: Record<string, { rows: number; tombstones: number }> }>(
      'GET',
      '/api/v1/sync/status',
    );
    const total = Object.values(status.collections).reduce((sum, c) => sum + c.rows + c.tombstones, 0);

    const context = await signedInContext(browser, server.url, server.adminToken);
    try {
      const page = await context.newPage();
      await page.addInitScript({ content: NOTE_INDICATOR_AT_FIRST_ROW });
      // The repository row (and so the page's task list) arrives once the tasks' download is
      // under way, as it does for a repository opened in the middle of a long first sync: its
      // tasks are read while more of them are being written.
      let tasksUnderWay!: () => void;
      const tasksStarted = new Promise<void>((resolve) => (tasksUnderWay = resolve));
      await page.route('**/api/v1/sync/changes?*', async (route) => {
        const url = new URL(route.request().url());
        const checkpoint = Number(url.searchParams.get('checkpoint'));
        const collection = url.searchParams.get('collection');
        if (collection === 'tasks' && checkpoint > 0) tasksUnderWay();
        if (collection === 'repositories' && checkpoint === 0) await tasksStarted;
        await route.continue();
      });
      const started = Date.now();
      await page.goto(`/repo/${repositoryId}`);
      const count = page.locator('[data-test="first-sync-count"]').first();
      await count.waitFor({ timeout: 30_000 });
      // Each read gives up after a second, so that a count gone meanwhile (the download over)
      // fails with what was last shown instead of one read waiting out the whole poll.
      await expect
        .poll(() => count.textContent({ timeout: 1000 }).catch(() => '(the count is gone)'), {
          timeout: 30_000,
        })
        .toMatch(new RegExp(`^Downloading [\\d,]+ of ${total.toLocaleString('en')}$`));
      // The repository page renders while the download still runs.
      await page.getByRole('heading', { name: 'big-wiki' }).waitFor({ timeout: 30_000 });
      const firstRender = Date.now() - started;
      const shown = await count.textContent({ timeout: 1000 }).catch(() => null);
      const done = Number(/Downloading ([\d,]+)/.exec(shown ?? '')?.[1]?.replace(/,/g, '') ?? total);
      console.info(`repository page rendered after ${firstRender} ms, ${done} of ${total} rows in`);
      expect(done).toBeLessThan(total);
      expect(
        await page.locator('[data-test="first-sync-progress"] progress').first().getAttribute('max'),
      ).toBe(String(total));
      // The first tasks show as soon as their page is stored, while the rest still downloads:
      // the indicator still counted rows when the first task row entered the page.
      await page.locator('[data-test="task-table"] tbody tr').first().waitFor({ timeout: 60_000 });
      const atFirstRow = await page.evaluate(
        () => (window as unknown as { __indicatorAtFirstRow?: string }).__indicatorAtFirstRow,
      );
      console.info(`first task row after ${Date.now() - started} ms; the indicator said: ${atFirstRow}`);
      const rowsIn = Number(/^Downloading ([\d,]+)/.exec(atFirstRow ?? '')?.[1]?.replace(/,/g, '') ?? NaN);
      expect(atFirstRow).toMatch(/^Downloading /);
      expect(rowsIn).toBeLessThan(total);
      // More rows join the table as they are stored, up to its first page of 200.
      await expect
        .poll(() => page.locator('[data-test="task-table"] tbody tr').count(), { timeout: 60_000 })
        .toBeGreaterThanOrEqual(200);
      // The download ends: the count goes, everything is there.
      await count.waitFor({ state: 'detached', timeout: 120_000 });
      await expect
        .poll(() => page.textContent('[data-test="sync-status"]'), { timeout: 30_000 })
        .toBe('Synced');
      // The browser was asked to keep the copy; its answer is said in words.
      await page.hover('[data-test="sync-indicator"] .pill');
      await expect
        .poll(() => page.textContent('[data-test="storage-persistence"]'), { timeout: 10_000 })
        .toMatch(/^(Kept|Not kept for sure|This browser cannot)/);
      expect(await page.textContent('[data-test="storage-used"]')).toMatch(/used of .* available/);
    } finally {
      await context.close();
    }
  });
});
