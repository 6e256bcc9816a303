// "Update required" in every tab, in real Chromium against the built app. Only the tab that
// replicates talks to the server, so only it hears the server refuse this app (426
// CLIENT_UPDATE_REQUIRED); every open tab runs the same outdated app and must ask for a
// reload, as must a tab opened after the refusal.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SYNC_CLIENT_HEADERS } from '@wikisync/shared';
import { signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { api } from '../support/api.js';
import { shownSyncStatus } from '../support/document-page.js';

describe('a server that refuses this app, with several tabs open', () => {
  const { server, browser } = useAppInBrowser();

  it('asks for a reload in every tab, not only the one that replicates', async () => {
    const { id: repositoryId } = await api<{ id: number }>(
      server.url,
      server.adminToken,
      'POST',
      '/api/repositories',
      { name: 'outdated-app' },
    );
    const context = await signedInContext(browser, server.url, server.adminToken);
    try {
      const openTab = async (): Promise<Page> => {
        const page = await context.newPage();
        await page.goto(`/repo/${repositoryId}`);
        await page.getByRole('heading', { name: 'outdated-app' }).waitFor({ timeout: 30_000 });
        return page;
      };
      const tabs = [await openTab(), await openTab()];
      for (const tab of tabs)
        await expect.poll(() => shownSyncStatus(tab), { timeout: 30_000 }).toBe('Synced');
      for (const tab of tabs) expect(await tab.locator('[data-test="update-required"]').count()).toBe(0);

      // The server is upgraded while the tabs run: from now on it takes this app for one of
      // protocol 1 (the real server answers 426 CLIENT_UPDATE_REQUIRED to its next push).
      let refused = 0;
      await context.route('**/api/v1/sync/push*', async (route) => {
        const headers = { ...route.request().headers(), [SYNC_CLIENT_HEADERS.protocol]: '1.0' };
        const response = await route.fetch({ headers });
        if (response.status() === 426) refused += 1;
        await route.fulfill({ response });
      });
      // An edit in either tab is pushed by the replicating one.
      await tabs[1]!.fill('[data-test="new-task-title"]', 'written by the outdated app');
      await tabs[1]!.click('[data-test="add-task"]');
      await expect.poll(() => refused, { timeout: 30_000 }).toBeGreaterThan(0);

      for (const tab of tabs) await tab.locator('[data-test="update-required"]').waitFor({ timeout: 30_000 });
      // A tab opened afterwards is told too, by the tabs that already know.
      const later = await openTab();
      await later.locator('[data-test="update-required"]').waitFor({ timeout: 30_000 });
      // The edit stays in the replica, waiting for the reloaded app.
      for (const tab of [...tabs, later])
        await expect(tab.getByText('written by the outdated app').count()).resolves.toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});
