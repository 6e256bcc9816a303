// Two tabs of one browser profile share one IndexedDB replica, and only the leader tab
// replicates (RxDB leader election). Checked in real Chromium against the built app: an edit
// made in the tab that does not replicate still reaches the server, both tabs show a change
// made elsewhere, and when the replicating tab closes the other one takes over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import type { Document as Doc } from '@wikisync/shared';
import { api } from '../support/api.js';
import { contentOnServer, editDocument, shownContent, shownSyncStatus } from '../support/document-page.js';

describe('several tabs of one browser', () => {
  const { server, browser } = useAppInBrowser();
  let context: BrowserContext;
  let doc: Doc;
  let repositoryId: number;
  /** Pull requests (`/changes`) each tab has sent. */
  const pulls = new Map<Page, number>();

  beforeAll(async () => {
    repositoryId = (
      await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/repositories', {
        name: 'shared-notes',
      })
    ).id;
    doc = await api<Doc>(server.url, server.adminToken, 'POST', '/api/documents', {
      repository_id: repositoryId,
      title: 'Shared',
      content: '# Shared\n\nfrom the server',
    });
    context = await signedInContext(browser, server.url, server.adminToken);
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
  });

  async function openTab(): Promise<Page> {
    const page = await context.newPage();
    pulls.set(page, 0);
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/sync/changes')) pulls.set(page, (pulls.get(page) ?? 0) + 1);
    });
    await page.goto(`/repo/${repositoryId}/doc/${doc.id}`);
    await page.waitForSelector('[data-test="document-title"]', { timeout: 30_000 });
    return page;
  }

  const serverContent = () => contentOnServer(server, doc.id);

  /** Sets the server's copy through REST, as another client would, and counts each tab's pulls. */
  async function changeOnServerAndCountPulls(content: string, tabs: Page[]): Promise<number[]> {
    const before = tabs.map((tab) => pulls.get(tab) ?? 0);
    await api(server.url, server.adminToken, 'PATCH', `/api/documents/${doc.id}`, { content });
    // The page shows rendered markdown: look for the paragraph.
    const paragraph = content.split('\n').at(-1)!;
    for (const tab of tabs)
      await expect.poll(() => shownContent(tab), { timeout: 30_000 }).toContain(paragraph);
    return tabs.map((tab, index) => (pulls.get(tab) ?? 0) - before[index]!);
  }

  it('replicates from one tab only, and a change reaches every tab', async () => {
    const first = await openTab();
    const second = await openTab();
    for (const tab of [first, second])
      await expect.poll(() => shownSyncStatus(tab), { timeout: 30_000 }).toBe('Synced');

    const pulled = await changeOnServerAndCountPulls('# Shared\n\nedited by someone else', [first, second]);
    // One tab pulled the change; the other shows it from the shared replica without a request.
    expect(pulled.filter((count) => count > 0)).toHaveLength(1);
    await screenshot(second, 'multi-tab-second');
  });

  it("pushes an edit made in the tab that does not replicate, and survives the leader's closing", async () => {
    const tabs = [...pulls.keys()];
    const pulled = await changeOnServerAndCountPulls('# Shared\n\nwho is leading?', tabs);
    const leader = tabs[pulled.findIndex((count) => count > 0)]!;
    const follower = tabs.find((tab) => tab !== leader)!;

    await editDocument(follower, '# Shared\n\nwritten in the quiet tab');
    await expect.poll(serverContent, { timeout: 30_000 }).toContain('written in the quiet tab');
    await expect.poll(() => shownSyncStatus(follower), { timeout: 30_000 }).toBe('Synced');
    await expect.poll(() => shownContent(leader), { timeout: 30_000 }).toContain('written in the quiet tab');
    await expect.poll(() => shownSyncStatus(leader), { timeout: 30_000 }).toBe('Synced');

    // The replicating tab goes away: the remaining one is elected and carries on both ways.
    await leader.close();
    pulls.delete(leader);
    await editDocument(follower, '# Shared\n\nafter the other tab closed');
    await expect.poll(serverContent, { timeout: 60_000 }).toContain('after the other tab closed');
    const [pulledAfter] = await changeOnServerAndCountPulls('# Shared\n\nlast word from the server', [
      follower,
    ]);
    expect(pulledAfter).toBeGreaterThan(0);
    await expect.poll(() => shownSyncStatus(follower), { timeout: 30_000 }).toBe('Synced');
  });
});
