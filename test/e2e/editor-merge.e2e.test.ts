// The document editor never erases what changed while it was open, in real Chromium against
// the built app and a real server: a change that arrives during editing is merged on Save,
// the same line changed on both sides opens the conflict dialog (operable by keyboard, its
// actions in view), a conflict left for later is announced on the page, and unsaved text
// survives a reload.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Document as Doc } from '@wikisync/shared';
import { screenshot, signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { api } from '../support/api.js';
import { shownContent } from '../support/document-page.js';

const lines = (...values: string[]) => values.join('\n');
// Paragraphs a blank line apart: edits to different paragraphs do not touch adjacent lines.
const BASE = lines('# Notes', '', 'first paragraph', '', 'second paragraph');

describe('editing while the document changes elsewhere, in a real browser', () => {
  const { server, browser } = useAppInBrowser();
  let repositoryId: number;
  let doc: Doc;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    repositoryId = (
      await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/repositories', {
        name: 'editor-notes',
      })
    ).id;
  });

  beforeEach(async () => {
    doc = await api<Doc>(server.url, server.adminToken, 'POST', '/api/documents', {
      repository_id: repositoryId,
      title: `Notes ${Date.now()}`,
      content: BASE,
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
  });

  async function openEditor(): Promise<Page> {
    const context = await signedInContext(browser, server.url, server.adminToken);
    contexts.push(context);
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`/repo/${repositoryId}/doc/${doc.id}`);
    await page.waitForSelector('[data-test="document-title"]', { timeout: 30_000 });
    await page.click('[data-test="document-edit"]');
    await page.waitForSelector('[data-test="markdown-input"]');
    return page;
  }

  const serverDocument = () =>
    api<Doc>(server.url, server.adminToken, 'GET', `/api/documents/${doc.id}`).then(({ title, content }) => ({
      title,
      content,
    }));

  /** Someone else changes the document while the editor is open, and this browser learns of it. */
  async function changedElsewhere(page: Page, change: Partial<Doc>) {
    await api(server.url, server.adminToken, 'PATCH', `/api/documents/${doc.id}`, change);
    await page.waitForSelector('[data-test="editor-moved"]', { timeout: 30_000 });
  }

  it('keeps their title and paragraph and adds mine, without asking', async () => {
    const page = await openEditor();
    await changedElsewhere(page, {
      title: 'Renamed elsewhere',
      content: lines('# Notes', '', 'first paragraph', '', 'second paragraph, theirs'),
    });
    await page.fill(
      '[data-test="markdown-input"]',
      lines('# Notes', '', 'first paragraph, mine', '', 'second paragraph'),
    );
    await page.click('[data-test="document-save"]');
    await page.waitForSelector('[data-test="document-content"]');

    const merged = lines('# Notes', '', 'first paragraph, mine', '', 'second paragraph, theirs');
    await expect
      .poll(serverDocument, { timeout: 30_000 })
      .toEqual({ title: 'Renamed elsewhere', content: merged });
    expect(await page.textContent('[data-test="document-title"]')).toBe('Renamed elsewhere');
    expect(await page.locator('[data-test="conflict-dialog"]').count()).toBe(0);
  });

  it('asks about the line both changed; "Later" leaves mine waiting on the page, one click away', async () => {
    const page = await openEditor();
    await changedElsewhere(page, {
      content: lines('# Notes', '', 'first paragraph, theirs', '', 'second paragraph'),
    });
    await page.fill(
      '[data-test="markdown-input"]',
      lines('# Notes', '', 'first paragraph, mine', '', 'second paragraph'),
    );
    await page.click('[data-test="document-save"]');

    const dialog = page.locator('[data-test="conflict-dialog"]');
    await dialog.waitFor({ timeout: 30_000 });
    const hunks = dialog.locator('[data-test="hunk"]');
    expect(await hunks.count()).toBe(1);
    expect(await hunks.first().textContent()).toContain('first paragraph, mine');
    expect(await hunks.first().textContent()).toContain('first paragraph, theirs');
    expect(
      await page.evaluate(() =>
        document.querySelector('[data-test="conflict-dialog"]')!.contains(document.activeElement),
      ),
    ).toBe(true);
    for (const action of ['keep-local', 'use-server', 'apply-merge', 'conflict-close']) {
      const box = await dialog.locator(`[data-test="${action}"]`).boundingBox();
      expect(box, action).not.toBeNull();
      expect(box!.y, action).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height, action).toBeLessThanOrEqual(800);
    }
    await screenshot(page, 'editor-conflict-dialog');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    const waiting = page.locator('[data-test="conflict-waiting"]');
    await waiting.waitFor();
    // Meanwhile the page shows the kept version; mine is one toggle away.
    expect(await shownContent(page)).toContain('first paragraph, theirs');
    await page.click('[data-test="show-my-version"]');
    await expect.poll(() => shownContent(page)).toContain('first paragraph, mine');
    await screenshot(page, 'editor-conflict-waiting');

    await page.click('[data-test="open-conflict"]');
    await dialog.waitFor();
    await page.click('[data-test="keep-local"]');
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await expect
      .poll(serverDocument, { timeout: 30_000 })
      .toMatchObject({ content: expect.stringContaining('first paragraph, mine') });
    await waiting.waitFor({ state: 'detached' });
    // Resolved like any replication conflict: it is in the server's log.
    const log = await api<{ items?: Array<Record<string, unknown>> } | Array<Record<string, unknown>>>(
      server.url,
      server.adminToken,
      'GET',
      '/api/v1/sync/conflicts',
    );
    const entries = Array.isArray(log) ? log : (log.items ?? []);
    expect(entries.find((entry) => entry.uid === doc.uid)).toMatchObject({ resolution: 'local' });
  });

  it('offers unsaved text back after a reload', async () => {
    const page = await openEditor();
    await page.fill('[data-test="markdown-input"]', lines(BASE, '', 'a thought not saved yet'));
    await page.waitForSelector('[data-test="draft-kept"]');
    await page.reload();

    await page.waitForSelector('[data-test="draft-offer"]', { timeout: 30_000 });
    await page.click('[data-test="draft-restore"]');
    expect(await page.inputValue('[data-test="markdown-input"]')).toContain('a thought not saved yet');
    await page.click('[data-test="document-save"]');
    await expect.poll(serverDocument, { timeout: 30_000 }).toMatchObject({
      content: expect.stringContaining('a thought not saved yet'),
    });
    // Saved: the draft is gone, so a reload offers nothing.
    await page.reload();
    await page.waitForSelector('[data-test="document-title"]', { timeout: 30_000 });
    await expect.poll(() => shownContent(page), { timeout: 30_000 }).toContain('a thought not saved yet');
    expect(await page.locator('[data-test="draft-offer"]').count()).toBe(0);
  });
});
