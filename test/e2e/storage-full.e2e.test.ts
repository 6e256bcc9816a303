// A full storage in real Chromium: the browser's quota for the app's origin is set below what
// the first sync needs (DevTools' Storage.overrideQuotaForOrigin, so IndexedDB itself refuses
// the writes with a QuotaExceededError). The indicator says so with a Retry, the pull stops
// instead of looping, what arrived stays readable, and Retry after room is made brings the rest.
import { randomBytes } from 'node:crypto';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { documentDoc, repositoryDoc } from '@wikisync/shared/testing';
import { signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { adminApi } from '../support/api.js';
import { storedRowsByRepository } from '../support/replica-rows.js';

// 200 documents of 48 KB of random text: 9.6 MB, more than the quota below by themselves. With
// 120 (5.8 MB) the test counted on the app shell's cache (about 3 MB) to fill the rest, and a
// run whose service worker had not cached it yet downloaded everything: 5.7 MB used of 7.
const DOCUMENTS = 200;

describe('a full storage in a real browser', () => {
  const { server, browser } = useAppInBrowser();

  it('stops the download with a message, keeps the replica usable, and Retry completes it', async () => {
    const admin = adminApi(server);
    const repo = repositoryDoc({ name: 'quota-wiki' });
    const push = (collection: string, docs: unknown[]) =>
      admin('POST', '/api/v1/sync/push', {
        collection,
        rows: docs.map((doc) => ({ assumed_master_state: null, new_document_state: doc })),
      });
    await push('repositories', [repo]);
    const small = documentDoc(repo.uid, null, { title: 'small page', content: 'Already here.' });
    await push('documents', [small]);

    const context = await signedInContext(browser, server.url, server.adminToken);
    try {
      const page = await context.newPage();
      // The origin may store 7 MB: the app and its first rows fit; the 9.6 MB of random text
      // (which IndexedDB cannot compress) sent later do not.
      // Chromium applies the override to an origin's storage when it opens, so it is set first.
      const devtools = await context.newCDPSession(page);
      const origin = new URL(server.url).origin;
      await devtools.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 7 * 1024 * 1024 });
      await page.goto('/');
      await page
        .locator('[data-test="repository-list"] a', { hasText: 'quota-wiki' })
        .waitFor({ timeout: 30_000 });
      await expect
        .poll(() => page.textContent('[data-test="sync-status"]'), { timeout: 30_000 })
        .toBe('Synced');
      for (let i = 0; i < DOCUMENTS; i += 20)
        await push(
          'documents',
          Array.from({ length: 20 }, (_, n) =>
            documentDoc(repo.uid, null, {
              title: `page ${i + n}`,
              content: randomBytes(36_000).toString('base64'),
            }),
          ),
        );
      // The details show while the pointer is over the indicator, and its pill changes size as
      // the download goes on: under load the details closed under a pointer left outside it
      // before the storage filled. A person hovers again; so does the test.
      const full = page.locator('[data-test="storage-full"]');
      // If it never shows, the failure says what the details said instead.
      const hoverUntil = async (shown: Locator, timeout: number) => {
        try {
          await expect
            .poll(
              async () => {
                await page.hover('[data-test="sync-indicator"] .pill');
                return shown.isVisible();
              },
              { timeout, interval: 500 },
            )
            .toBe(true);
        } catch (error) {
          const details = await page
            .locator('[data-test="sync-details"]')
            .textContent({ timeout: 1_000 })
            .catch(() => '(not open)');
          throw new Error(`${(error as Error).message}\nThe sync indicator's details said: ${details}`);
        }
      };
      await hoverUntil(full, 90_000);
      expect(await full.textContent()).toMatch(/Storage is full on this device/);
      // The replica stays usable: the repository and what it held open as before.
      await page.mouse.move(5, 400);
      await page.locator('[data-test="repository-list"] a', { hasText: 'quota-wiki' }).click();
      await page.getByRole('heading', { name: 'quota-wiki' }).waitFor({ timeout: 30_000 });
      await page.getByRole('link', { name: 'small page' }).click();
      await expect.poll(() => page.textContent('[data-test="document-content"]')).toContain('Already here.');

      // Room is made (here: the quota lifted); Retry downloads the rest. The browser applies a
      // changed quota on its own time (navigator.storage.estimate() does not even show the
      // override), and under load a Retry pressed at once met the old quota and stopped again,
      // as it should, on "Storage is full". A person then presses Retry again; so does the
      // test, a few times, and fails if the storage never takes the rest.
      await devtools.send('Storage.overrideQuotaForOrigin', { origin });
      const syncedWithin = (ms: number) =>
        page
          .locator('[data-test="sync-status"]', { hasText: /^Synced$/ })
          .waitFor({ timeout: ms })
          .then(
            () => true,
            () => false,
          );
      const retry = page.locator('[data-test="storage-full-retry"]');
      const storageDetails = page.locator('[data-test="storage-details"]');
      for (let attempt = 1; ; attempt++) {
        await hoverUntil(storageDetails, 30_000);
        // A collection stopped by a write the guard does not hold back resumes on its own once
        // there is room, and its notice goes: then there is nothing to retry, only to wait for.
        if (await retry.isVisible()) await retry.click();
        if (await syncedWithin(25_000)) break;
        await hoverUntil(storageDetails, 30_000);
        expect(await full.isVisible(), 'after Retry the sync stopped, and not on a full storage').toBe(true);
        expect(attempt, 'Retry after the quota was lifted kept meeting a full storage').toBeLessThan(3);
      }
      // Every document is in IndexedDB now.
      const stored = (await storedRowsByRepository(page, ['documents']))[repo.uid];
      expect(stored).toBe(DOCUMENTS + 1);
    } finally {
      await context.close();
    }
  });
});
