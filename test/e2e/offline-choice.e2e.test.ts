// Choosing what stays offline, in real Chromium against the built app: a new user with three
// readable repositories keeps one; only its rows are in the browser's IndexedDB; another opens
// with the notice that it is not kept offline; a grant taken on the kept one removes its rows
// from IndexedDB within seconds, and an edit made offline to it is parked and shown.
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { adminApi, seedPages } from '../support/api.js';
import { contentOnServer, editDocument } from '../support/document-page.js';
import { storedRowsByRepository } from '../support/replica-rows.js';

/** Rows of the replica's tasks and documents stores in IndexedDB, by repository uid. */
const storedRows = (page: Page) => storedRowsByRepository(page);

describe('choosing what stays offline in a real browser', () => {
  const { server, browser } = useAppInBrowser();
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
  });

  it('keeps one of three offline, opens another online only, and purges a revoked one', async () => {
    const call = adminApi(server);
    const stamp = Date.now();
    const repos = [];
    for (const name of ['alpha', 'beta', 'gamma']) repos.push(await seedPages(server, `${name}-${stamp}`, 2));
    const uids = await Promise.all(
      repos.map(async (repo) => (await call<{ uid: string }>('GET', `/api/repositories/${repo.id}`)).uid),
    );
    const user = await call<{ id: number }>('POST', '/api/admin/users', { name: `chooser-${stamp}` });
    for (const repo of repos)
      await call('PUT', '/api/admin/grants', { user_id: user.id, repository_id: repo.id, access: 'write' });
    const { token } = await call<{ token: string }>('POST', '/api/admin/tokens', { user_id: user.id });

    const context = await signedInContext(browser, server.url, token);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForSelector('[data-test="repository-list"]', { timeout: 30_000 });
    // Three readable: all kept by default. Keep only the first.
    for (const uid of uids.slice(1)) {
      const toggle = page.locator(`[data-repository="${uid}"] [data-test="keep-offline"]`);
      await toggle.waitFor({ timeout: 30_000 });
      expect(await toggle.isChecked()).toBe(true);
      await toggle.uncheck();
    }
    // 2 tasks and 2 documents each: only the kept one's stay (the others leave if they came).
    await expect.poll(() => storedRows(page), { timeout: 30_000 }).toEqual({ [uids[0]!]: 4 });
    await screenshot(page, 'offline-choice');

    // Another one opens, and says it is not kept offline.
    await page.goto(`/repo/${repos[1]!.id}`);
    await page.waitForSelector('[data-test="not-kept-offline"]', { timeout: 30_000 });
    expect(await page.textContent('[data-test="not-kept-offline"]')).toContain('Not kept offline');
    // Its tasks and documents come from the server, edited there (this user may write it:
    // online-edit.e2e.test.ts), and nothing of it is stored.
    const betaTask = page.locator('[data-test="task-table"]', { hasText: `beta-${stamp} task 2` });
    await betaTask.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-test="online-editable"]').count()).toBe(1);
    expect(await page.locator('[data-test="new-task-title"]').count()).toBe(0);
    await page.getByRole('link', { name: `beta-${stamp} page 1` }).click();
    await page.waitForSelector('[data-test="document-online"]', { timeout: 30_000 });
    expect(await page.textContent('[data-test="document-content"]')).toContain(`beta-${stamp} 1`);
    expect(await storedRows(page)).toEqual({ [uids[0]!]: 4 });

    // An edit made offline to the kept one, then its grant is taken.
    await page.goto(`/repo/${repos[0]!.id}/doc/${repos[0]!.documents[0]}`);
    await page.waitForSelector('[data-test="document-title"]', { timeout: 30_000 });
    await context.setOffline(true);
    await editDocument(page, '# Page\n\nwritten before the grant went');
    await call('DELETE', '/api/admin/grants', { user_id: user.id, repository_id: repos[0]!.id });
    const revokedAt = Date.now();
    await context.setOffline(false);
    await expect.poll(() => storedRows(page), { timeout: 30_000 }).toEqual({});
    const purgeSeconds = (Date.now() - revokedAt) / 1000;
    const lost = page.locator(`[data-access-lost="${uids[0]}"]`);
    await lost.waitFor({ timeout: 30_000 });
    expect(await lost.textContent()).toContain(
      `You no longer have access to “alpha-${stamp}”: 1 unsaved edit`,
    );
    await screenshot(page, 'access-lost');
    expect(await contentOnServer(server, repos[0]!.documents[0]!)).not.toContain('written before the grant');
    console.log(`revoked repository purged from IndexedDB in ${purgeSeconds.toFixed(1)} s`);
    expect(purgeSeconds).toBeLessThan(15);
  });
});
