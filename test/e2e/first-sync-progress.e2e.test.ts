// A first sync in real Chromium against the built app: the indicator shows the exact
// "Downloading n of N" (N as the server counts it) with a bar, the repository page renders
// before the download ends, and the browser's storage answer is shown.
import { describe, expect, it } from 'vitest';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { adminApi } from '../support/api.js';

const TASKS = 6000;

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
      const started = Date.now();
      await page.goto(`/repo/${repositoryId}`);
      const count = page.locator('[data-test="first-sync-count"]').first();
      await count.waitFor({ timeout: 30_000 });
      await expect
        .poll(() => count.textContent(), { timeout: 30_000 })
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
      // The first tasks show (a page of them at a time; whether before the download ends
      // depends on the machine's speed, so it is reported, not asserted).
      await page.locator('[data-test="task-table"] tbody tr').first().waitFor({ timeout: 60_000 });
      console.info(
        `first task row after ${Date.now() - started} ms, download still running: ${await count.isVisible()}`,
      );
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
