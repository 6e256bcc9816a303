// Editing a repository that is not kept offline, in real Chromium against the built app: the
// document is saved straight to the server with If-Match; a save that lost the race to another
// writer shows both versions in the conflict dialog instead of overwriting theirs, and keeping
// one's own text then writes it over the version one has now seen; a save while offline keeps
// the text and says why; a reader sees no edit button and a read-only notice.
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { adminApi, seedPages } from '../support/api.js';
import { contentOnServer } from '../support/document-page.js';

describe('editing a repository not kept offline, online', () => {
  const { server, browser } = useAppInBrowser();
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
  });

  async function userWith(name: string, repositoryId: number, access: 'read' | 'write') {
    const call = adminApi(server);
    const user = await call<{ id: number }>('POST', '/api/admin/users', { name });
    await call('PUT', '/api/admin/grants', { user_id: user.id, repository_id: repositoryId, access });
    return (await call<{ token: string }>('POST', '/api/admin/tokens', { user_id: user.id })).token;
  }

  /** Signs in, unticks "keep offline" for the repository, and opens its first document online. */
  async function openOnline(token: string, repository: { id: number; uid: string }, documentTitle: string) {
    const context = await signedInContext(browser, server.url, token);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    const toggle = page.locator(`[data-repository="${repository.uid}"] [data-test="keep-offline"]`);
    await toggle.waitFor({ timeout: 30_000 });
    if (await toggle.isChecked()) await toggle.uncheck();
    await page.goto(`/repo/${repository.id}`);
    await page.waitForSelector('[data-test="not-kept-offline"]', { timeout: 30_000 });
    await page.getByRole('link', { name: documentTitle }).click();
    await page.waitForSelector('[data-test="document-online"]', { timeout: 30_000 });
    return { context, page };
  }

  const input = (page: Page) => page.locator('[data-test="markdown-input"]');

  it('saves to the server, and shows a stale save as a conflict instead of overwriting', async () => {
    const call = adminApi(server);
    const stamp = Date.now();
    const seeded = await seedPages(server, `online-${stamp}`, 1);
    const repository = {
      id: seeded.id,
      uid: (await call<{ uid: string }>('GET', `/api/repositories/${seeded.id}`)).uid,
    };
    const documentId = seeded.documents[0]!;
    const token = await userWith(`online-writer-${stamp}`, seeded.id, 'write');
    const { context, page } = await openOnline(token, repository, `online-${stamp} page 1`);
    expect(await page.textContent('[data-test="document-online"]')).toContain('saving needs the network');

    // An edit reaches the server.
    await page.click('[data-test="document-edit"]');
    await input(page).fill('# Page\n\nwritten online');
    await page.click('[data-test="document-save"]');
    await page.waitForSelector('[data-test="document-saved"]', { timeout: 30_000 });
    expect(await page.textContent('[data-test="document-content"]')).toContain('written online');
    expect(await contentOnServer(server, documentId)).toBe('# Page\n\nwritten online');

    // Someone else saves while the editor is open: this save is refused, theirs is kept.
    await page.click('[data-test="document-edit"]');
    await call('PATCH', `/api/documents/${documentId}`, { content: '# Page\n\nwritten by someone else' });
    await input(page).fill('# Page\n\nmine, written later');
    await page.click('[data-test="document-save"]');
    const dialog = page.locator('[data-test="conflict-dialog"]');
    await dialog.waitFor({ timeout: 30_000 });
    const shown = await dialog.textContent();
    expect(shown).toContain('written by someone else');
    expect(shown).toContain('mine, written later');
    expect(await contentOnServer(server, documentId)).toBe('# Page\n\nwritten by someone else');
    await screenshot(page, 'online-edit-conflict');

    // "Later" keeps the text in the editor; saving again asks again; "Keep mine" writes it.
    await page.click('[data-test="conflict-close"]');
    expect(await input(page).inputValue()).toBe('# Page\n\nmine, written later');
    await page.waitForSelector('[data-test="online-save-error"]');
    await page.click('[data-test="document-save"]');
    await dialog.waitFor({ timeout: 30_000 });
    await page.click('[data-test="keep-local"]');
    await page.waitForSelector('[data-test="document-saved"]', { timeout: 30_000 });
    expect(await contentOnServer(server, documentId)).toBe('# Page\n\nmine, written later');

    // Offline: the save fails, says why, and the text stays.
    await page.click('[data-test="document-edit"]');
    await input(page).fill('# Page\n\nwritten offline');
    await context.setOffline(true);
    await page.click('[data-test="document-save"]');
    const failure = page.locator('[data-test="online-save-error"]');
    await failure.waitFor({ timeout: 30_000 });
    expect(await failure.textContent()).toContain('the server cannot be reached');
    expect(await input(page).inputValue()).toBe('# Page\n\nwritten offline');
    await expect
      .poll(() => page.textContent('[data-test="document-online"]'), { timeout: 30_000 })
      .toContain('You are offline');
    await context.setOffline(false);
    await page.click('[data-test="document-save"]');
    await page.waitForSelector('[data-test="document-saved"]', { timeout: 30_000 });
    expect(await contentOnServer(server, documentId)).toBe('# Page\n\nwritten offline');
  });

  it('shows a reader the document read-only, with no edit button', async () => {
    const call = adminApi(server);
    const stamp = Date.now();
    const seeded = await seedPages(server, `readonly-${stamp}`, 1);
    const repository = {
      id: seeded.id,
      uid: (await call<{ uid: string }>('GET', `/api/repositories/${seeded.id}`)).uid,
    };
    const token = await userWith(`online-reader-${stamp}`, seeded.id, 'read');
    const { page } = await openOnline(token, repository, `readonly-${stamp} page 1`);
    expect(await page.textContent('[data-test="document-online"]')).toContain('read-only');
    expect(await page.textContent('[data-test="document-content"]')).toContain(`readonly-${stamp} 1`);
    expect(await page.locator('[data-test="document-edit"]').count()).toBe(0);
  });
});
