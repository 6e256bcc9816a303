// The offline promises, in real Chromium against the built app and a real server process:
// edits made offline survive a reload and reach the server and other browsers on reconnect;
// a conflicting edit is shown in the dialog and resolved there; the indicator tells the truth.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import type { Document as Doc } from '@wikisync/shared';
import { api } from '../support/api.js';
import { contentOnServer, editDocument, shownContent, shownSyncStatus } from '../support/document-page.js';

describe('offline editing in a real browser', () => {
  const { server, browser } = useAppInBrowser();
  let repositoryId: number;
  let doc: Doc;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    repositoryId = (
      await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/repositories', {
        name: 'field-notes',
      })
    ).id;
  });

  beforeEach(async () => {
    doc = await api<Doc>(server.url, server.adminToken, 'POST', '/api/documents', {
      repository_id: repositoryId,
      title: `Notes ${Date.now()}`,
      content: '# Notes\n\nfirst line',
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
  });

  async function openDocument(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await signedInContext(browser, server.url, server.adminToken);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`/repo/${repositoryId}/doc/${doc.id}`);
    await page.waitForSelector('[data-test="document-title"]', { timeout: 30_000 });
    await expectStatus(page, 'Synced');
    return { context, page };
  }

  const expectStatus = (page: Page, status: string) =>
    expect.poll(() => shownSyncStatus(page), { timeout: 30_000 }).toBe(status);
  const serverContent = () => contentOnServer(server, doc.id);
  const notOnServer = 'Saved here, not yet on the server';

  it('keeps an offline edit across a reload and delivers it on reconnect, live to another browser', async () => {
    const a = await openDocument();
    const b = await openDocument();

    await a.context.setOffline(true);
    await expectStatus(a.page, 'Offline');
    // The server goes away too: Chromium's offline emulation does not cover requests a service
    // worker passes through, and a reload starts a page that may briefly believe it is online.
    await server.stop();
    await editDocument(a.page, '# Notes\n\nwritten on a train');
    await expect.poll(() => a.page.textContent('[data-test="sync-pending"]')).toBe('1 pending');
    // The document itself says that this edit is not on the server yet.
    await expect.poll(() => a.page.textContent('[data-test="not-on-server"]')).toBe(notOnServer);
    await screenshot(a.page, 'offline-pending');

    await a.page.reload();
    await a.page.waitForSelector('[data-test="document-content"]', { timeout: 30_000 });
    expect(await shownContent(a.page)).toContain('written on a train');
    await expectStatus(a.page, 'Offline');
    await expect.poll(() => a.page.textContent('[data-test="sync-pending"]')).toBe('1 pending');
    await expect.poll(() => a.page.textContent('[data-test="not-on-server"]')).toBe(notOnServer);
    // So does its row on the repository page, and only its row.
    await a.page.click('text=← Repository');
    const rowMarker = a.page.locator(`li:has-text("${doc.title}") [data-test="not-on-server"]`);
    await expect.poll(() => rowMarker.getAttribute('aria-label'), { timeout: 30_000 }).toBe(notOnServer);
    expect(await a.page.locator('[data-test="not-on-server"]').count()).toBe(1);
    await a.page.goBack();
    await a.page.waitForSelector('[data-test="document-content"]', { timeout: 30_000 });
    await server.start();
    expect(await serverContent()).not.toContain('written on a train');

    await a.context.setOffline(false);
    await expect.poll(serverContent, { timeout: 30_000 }).toContain('written on a train');
    await expectStatus(a.page, 'Synced');
    // Confirmed by the server: the marker goes.
    await expect
      .poll(() => a.page.locator('[data-test="not-on-server"]').count(), { timeout: 30_000 })
      .toBe(0);
    // B never reloads: the change arrives through the live stream.
    await expect.poll(() => shownContent(b.page), { timeout: 30_000 }).toContain('written on a train');
    await screenshot(b.page, 'document-live-update');
  });

  it('shows a conflicting edit in the dialog and keeps the local version when asked', async () => {
    const a = await openDocument();
    const b = await openDocument();

    await a.context.setOffline(true);
    await expectStatus(a.page, 'Offline');
    await editDocument(a.page, '# Notes\n\nmine, from the offline browser');
    await editDocument(b.page, '# Notes\n\ntheirs, saved while the other was offline');
    await expect.poll(serverContent, { timeout: 30_000 }).toContain('theirs');

    await a.context.setOffline(false);
    const dialog = a.page.locator('[data-test="conflict-dialog"]');
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.textContent()).toContain('mine, from the offline browser');
    expect(await dialog.textContent()).toContain('theirs, saved while the other was offline');
    await expectStatus(a.page, 'Conflict');
    await screenshot(a.page, 'conflict-dialog');

    await a.page.click('[data-test="keep-local"]');
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(serverContent, { timeout: 30_000 }).toContain('mine, from the offline browser');
    await expect
      .poll(() => shownContent(a.page), { timeout: 30_000 })
      .toContain('mine, from the offline browser');
    await expect
      .poll(() => shownContent(b.page), { timeout: 30_000 })
      .toContain('mine, from the offline browser');
    await expectStatus(a.page, 'Synced');

    const log = await api<{ items?: Array<Record<string, unknown>> } | Array<Record<string, unknown>>>(
      server.url,
      server.adminToken,
      'GET',
      '/api/v1/sync/conflicts',
    );
    const entries = Array.isArray(log) ? log : (log.items ?? []);
    const entry = entries.find((each) => each.uid === doc.uid);
    expect(entry).toMatchObject({ uid: doc.uid, resolution: 'local' });
  });

  it('merges edits to different lines by itself and asks only about the line both changed', async () => {
    const a = await openDocument();
    const b = await openDocument();

    await a.context.setOffline(true);
    await expectStatus(a.page, 'Offline');
    await editDocument(a.page, '# Notes, from the train\n\nmine');
    await editDocument(b.page, '# Notes\n\ntheirs');
    await expect.poll(serverContent, { timeout: 30_000 }).toContain('theirs');

    await a.context.setOffline(false);
    const dialog = a.page.locator('[data-test="conflict-dialog"]');
    await dialog.waitFor({ timeout: 30_000 });
    // Only the third line collides; the heading edit merged and sits in the folded rest.
    const hunks = dialog.locator('[data-test="hunk"]');
    expect(await hunks.count()).toBe(1);
    expect(await hunks.first().textContent()).toContain('first line');
    expect(await hunks.first().textContent()).not.toContain('from the train');
    await screenshot(a.page, 'conflict-hunk');

    await hunks.first().locator('[data-test="hunk-both"]').check();
    await a.page.click('[data-test="apply-merge"]');
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(serverContent, { timeout: 30_000 }).toBe('# Notes, from the train\n\nmine\ntheirs');
    await expect.poll(() => shownContent(b.page), { timeout: 30_000 }).toContain('from the train');
  });

  it('shows offline, pending, syncing and synced at the right moments', async () => {
    const a = await openDocument();
    await a.context.setOffline(true);
    await expectStatus(a.page, 'Offline');
    await editDocument(a.page, '# Notes\n\none');
    await a.page.click('text=← Repository');
    await a.page.goBack();
    await a.page.waitForSelector('[data-test="document-content"]');
    await expect.poll(() => a.page.textContent('[data-test="sync-pending"]')).toBe('1 pending');

    // Hold pushes for a moment so "syncing" is observable, not just a flash.
    await a.page.route('**/api/v1/sync/push', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await a.context.setOffline(false);
    await expectStatus(a.page, 'Syncing…');
    await screenshot(a.page, 'indicator-syncing');
    await expectStatus(a.page, 'Synced');
    expect(await a.page.locator('[data-test="sync-pending"]').count()).toBe(0);
    expect(await a.page.textContent('[data-test="sync-last"]')).toMatch(/just now|s ago/);
    await a.page.hover('[data-test="sync-indicator"] .pill');
    await a.page.waitForSelector('[data-test="sync-details"]');
    expect(await a.page.textContent('[data-test="sync-details"]')).toContain('documents');
    await screenshot(a.page, 'indicator-details');
  });
});
