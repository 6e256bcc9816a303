// An edit the server refuses for good, in real Chromium against the built app and a real
// server process with a small body limit: it does not block syncing, it is shown as "not
// accepted" with the server's reason, it survives a reload, and it can be fixed and sent.
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { screenshot, signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import type { Document as Doc } from '@wikisync/shared';
import { api } from '../support/api.js';
import { contentOnServer, editDocument, shownContent, shownSyncStatus } from '../support/document-page.js';

const LIMIT = 64 * 1024;

describe('an edit the server refuses, in a real browser', () => {
  const { server, browser } = useAppInBrowser({ env: { MAX_BODY_BYTES: String(LIMIT) } });
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
  });

  it('is parked with its reason, kept across a reload, and sent again once shortened', async () => {
    const repositoryId = (
      await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/repositories', {
        name: 'limits',
      })
    ).id;
    const doc = await api<Doc>(server.url, server.adminToken, 'POST', '/api/documents', {
      repository_id: repositoryId,
      title: 'Handbook',
      content: 'short and fine',
    });
    const context = await signedInContext(browser, server.url, server.adminToken);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`/repo/${repositoryId}/doc/${doc.id}`);
    await page.waitForSelector('[data-test="document-title"]', { timeout: 30_000 });
    await expect.poll(() => shownSyncStatus(page), { timeout: 30_000 }).toBe('Synced');

    const huge = `# Handbook\n\n${'很长的一行文字，'.repeat(LIMIT / 8)}`;
    await editDocument(page, huge);
    await page.waitForSelector('[data-test="parked-list"]', { timeout: 30_000 });
    expect(await page.textContent('[data-test="parked-reason"]')).toMatch(
      /^Not accepted by the server: The request body is larger than/,
    );
    await screenshot(page, 'refused-edit-list');
    expect(await contentOnServer(server, doc.id)).toBe('short and fine');
    // The replica shows the server's version; the refused text is kept apart.
    await page.click('[data-test="parked-close"]');
    await expect.poll(async () => (await shownContent(page))?.trim()).toBe('short and fine');

    // After a reload the refused edit is still there, and the list opens again to say so.
    await page.reload();
    await page.waitForSelector('[data-test="parked-list"]', { timeout: 30_000 });
    expect(await page.textContent('[data-test="sync-to-review"]')).toBe('1 to review');
    await page.goto(`/repo/${repositoryId}`);
    await page.click('[data-test="parked-edit"]');
    await page.waitForSelector('[data-test="parked-version"]', { timeout: 30_000 });
    expect(await page.textContent('[data-test="document-title"]')).toBe('Handbook');
    expect(await page.inputValue('[data-test="parked-version-text"]')).toBe(huge);

    await page.fill('[data-test="parked-version-text"]', '# Handbook\n\nshortened to fit');
    await page.click('[data-test="parked-version-send"]');
    await expect
      .poll(() => contentOnServer(server, doc.id), { timeout: 30_000 })
      .toBe('# Handbook\n\nshortened to fit');
    await expect
      .poll(() => page.locator('[data-test="parked-version"]').count(), { timeout: 30_000 })
      .toBe(0);
    await expect.poll(() => shownSyncStatus(page), { timeout: 30_000 }).toBe('Synced');
  });
});
