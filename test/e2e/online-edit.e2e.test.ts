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

  /** Signs in, unticks "keep offline" for the repository, and opens it online. */
  async function openRepository(token: string, repository: { id: number; uid: string }) {
    const context = await signedInContext(browser, server.url, token);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    const toggle = page.locator(`[data-repository="${repository.uid}"] [data-test="keep-offline"]`);
    await toggle.waitFor({ timeout: 30_000 });
    if (await toggle.isChecked()) await toggle.uncheck();
    await page.goto(`/repo/${repository.id}`);
    await page.waitForSelector('[data-test="not-kept-offline"]', { timeout: 30_000 });
    return { context, page };
  }

  /** The same, then opens one of its documents. */
  async function openOnline(token: string, repository: { id: number; uid: string }, documentTitle: string) {
    const opened = await openRepository(token, repository);
    await opened.page.getByRole('link', { name: documentTitle }).click();
    await opened.page.waitForSelector('[data-test="document-online"]', { timeout: 30_000 });
    return opened;
  }

  async function seeded(name: string) {
    const call = adminApi(server);
    const pages = await seedPages(server, name, 1);
    const uid = (await call<{ uid: string }>('GET', `/api/repositories/${pages.id}`)).uid;
    return { ...pages, uid };
  }

  const input = (page: Page) => page.locator('[data-test="markdown-input"]');

  it('saves to the server, and shows a stale save as a conflict instead of overwriting', async () => {
    const call = adminApi(server);
    const stamp = Date.now();
    const repository = await seeded(`online-${stamp}`);
    const documentId = repository.documents[0]!;
    const token = await userWith(`online-writer-${stamp}`, repository.id, 'write');
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

  it("edits a task online, and shows a stale save beside the server's values", async () => {
    const call = adminApi(server);
    const stamp = Date.now();
    const repository = await seeded(`tasks-${stamp}`);
    const task = (
      await call<{ items: { id: number; uid: string }[] }>('GET', `/api/tasks?repository_id=${repository.id}`)
    ).items[0]!;
    const token = await userWith(`task-writer-${stamp}`, repository.id, 'write');
    const { page } = await openRepository(token, repository);
    await page.waitForSelector('[data-test="online-editable"]', { timeout: 30_000 });
    const row = page.locator(`[data-task="${task.uid}"]`);
    const titleOnServer = async () => (await call<{ title: string }>('GET', `/api/tasks/${task.id}`)).title;

    await row.locator('[data-test="task-edit"]').click();
    await row.locator('[data-test="task-title-input"]').fill('renamed online');
    await row.locator('[data-test="task-save"]').click();
    await expect.poll(titleOnServer, { timeout: 30_000 }).toBe('renamed online');
    await row.locator('[data-test="task-edit"]').waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain('renamed online');

    await row.locator('[data-test="task-edit"]').click();
    await row.locator('[data-test="task-title-input"]').waitFor({ timeout: 30_000 });
    await call('PATCH', `/api/tasks/${task.id}`, { title: 'renamed by someone else' });
    await row.locator('[data-test="task-title-input"]').fill('mine, later');
    await row.locator('[data-test="task-save"]').click();
    const conflict = row.locator('[data-test="task-conflict"]');
    await conflict.waitFor({ timeout: 30_000 });
    expect(await conflict.textContent()).toContain('renamed by someone else');
    expect(await row.locator('[data-test="task-title-input"]').inputValue()).toBe('mine, later');
    expect(await titleOnServer()).toBe('renamed by someone else');
    await row.locator('[data-test="task-keep-mine"]').click();
    await expect.poll(titleOnServer, { timeout: 30_000 }).toBe('mine, later');
  });

  it('shows a reader the document read-only, with no edit button', async () => {
    const stamp = Date.now();
    const repository = await seeded(`readonly-${stamp}`);
    const token = await userWith(`online-reader-${stamp}`, repository.id, 'read');
    const { page } = await openOnline(token, repository, `readonly-${stamp} page 1`);
    expect(await page.textContent('[data-test="document-online"]')).toContain('read-only');
    expect(await page.textContent('[data-test="document-content"]')).toContain(`readonly-${stamp} 1`);
    expect(await page.locator('[data-test="document-edit"]').count()).toBe(0);
    await page.goBack();
    await page.waitForSelector('[data-test="online-read-only"]', { timeout: 30_000 });
    await page
      .locator('[data-test="task-table"]', { hasText: `readonly-${stamp} task 1` })
      .waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-test="task-edit"]').count()).toBe(0);
  });
});
