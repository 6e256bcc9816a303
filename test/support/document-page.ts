// The document page as the browser tests drive it: what it shows, its editor, and the
// server's copy of the document on it, to tell what reached the server.
import type { Page } from 'playwright-core';
import { api } from './api.js';

export const shownContent = (page: Page) => page.textContent('[data-test="document-content"]');
export const shownSyncStatus = (page: Page) => page.textContent('[data-test="sync-status"]');

/** Replaces the shown document's text through the page's editor, and waits until it is shown. */
export async function editDocument(page: Page, content: string): Promise<void> {
  await page.click('[data-test="document-edit"]');
  await page.fill('[data-test="markdown-input"]', content);
  await page.click('[data-test="document-save"]');
  await page.waitForSelector('[data-test="document-content"]');
}

/** The server's copy of a document's text, read through the REST API as its admin. */
export async function contentOnServer(
  server: { url: string; adminToken: string },
  documentId: number,
): Promise<string> {
  return (
    await api<{ content: string }>(server.url, server.adminToken, 'GET', `/api/documents/${documentId}`)
  ).content;
}
