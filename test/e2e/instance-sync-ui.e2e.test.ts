// The operator's path through the /sync pages, in real Chromium against two real servers:
// save the other server as a target, push a repository and watch the progress reach 100%,
// push again after one edit (only that change travels), pull another repository back, and
// find all three sessions in /sync/history.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, signedInContext } from '../support/browser.js';
import { useBrowser } from '../support/app-in-browser.js';
import { useServerProcesses } from '../support/server-process.js';
import { api, seedPages } from '../support/api.js';

describe('instance sync from the /sync pages', () => {
  const env = { SYNC_SECRET_KEY: 'ui-test-secret-key-0123456789', SYNC_RETRY_BASE_MS: '10' };
  const [a, b] = useServerProcesses({ env }, { env });
  const browser = useBrowser();

  // The status reads the page makes, by path: it follows a session through its stream.
  const statusReads: string[] = [];

  async function startAndFinish(page: Page) {
    const progress = '[data-test="sync-progress"]';
    const previous = (await page.locator(progress).count())
      ? await page.getAttribute(progress, 'data-sync-id')
      : null;
    await page.click('[data-test="start-sync"]');
    // The panel may still show the previous session: wait for this one's.
    await expect
      .poll(async () => (await page.locator(progress).count()) && page.getAttribute(progress, 'data-sync-id'))
      .not.toBe(previous);
    await expect.poll(async () => await page.locator(progress).count()).toBe(1);
    await expect
      .poll(() => page.getAttribute('[data-test="sync-progress"]', 'data-status'), { timeout: 60_000 })
      .toBe('completed');
    const syncId = await page.getAttribute(progress, 'data-sync-id');
    // Followed through the stream to its end, never by polling (a fallback for older servers).
    expect(statusReads).toContain(`/api/sync/status/${syncId}/stream`);
    expect(statusReads).not.toContain(`/api/sync/status/${syncId}`);
    return page.textContent('[data-test="progress-text"]');
  }

  it('pushes, re-pushes one change, pulls back and lists the three sessions', async () => {
    const alpha = await seedPages(a, 'alpha', 6, { status: 'completed' });
    await seedPages(b, 'beta', 3, { status: 'completed' });
    const context = await signedInContext(browser, a.url, a.adminToken);
    const page = await context.newPage();
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/api/sync/status/')) statusReads.push(path);
    });
    await page.goto('/sync');

    // With no saved target the form is open; saving checks the URL before anything is stored.
    await page.waitForSelector('[data-test="target-form"]');
    await page.fill('[data-test="target-url"]', `${b.url}/admin`);
    await page.click('[data-test="save-target"]');
    expect(await page.textContent('[data-test="target-url-error"]')).toMatch(/\/api\/sync/);
    await page.fill('[data-test="target-url"]', `${b.url}/api/sync`);
    await page.fill('[data-test="target-token"]', b.adminToken);
    await page.click('[data-test="save-target"]');
    await expect.poll(() => page.locator('[data-test="target-select"] option').count()).toBeGreaterThan(1);

    await page.selectOption('[data-test="repository-select"]', String(alpha.id));
    await page.waitForSelector('[data-test="document-table"] tbody tr >> nth=5');
    expect(await startAndFinish(page)).toBe('6/6 (100%)');
    await expect
      .poll(() => page.textContent(`[data-test="item-state-${alpha.documents[0]}"]`))
      .toContain('done');
    await screenshot(page, 'sync-push-complete');

    await api(a.url, a.adminToken, 'PATCH', `/api/documents/${alpha.documents[2]}`, {
      content: '# edited once',
    });
    await page.reload();
    await page.selectOption('[data-test="repository-select"]', String(alpha.id));
    await page.waitForSelector('[data-test="document-table"] tbody tr >> nth=5');
    await startAndFinish(page);
    const sessions = await api<{ items: Array<{ id: string; counts: { total: number; updated: number } }> }>(
      a.url,
      a.adminToken,
      'GET',
      '/api/sync/sessions',
    );
    expect(sessions.items[0]!.counts).toMatchObject({ total: 1, updated: 1 });

    await page.click('[data-test="direction-pull"]');
    await page.click('[data-test="refresh-remote"]');
    await expect
      .poll(() => page.locator('[data-test="repository-select"] option').allTextContents())
      .toContainEqual(expect.stringContaining('beta'));
    const betaValue = await page
      .locator('[data-test="repository-select"] option', { hasText: 'beta' })
      .getAttribute('value');
    await page.selectOption('[data-test="repository-select"]', betaValue!);
    await page.waitForSelector('[data-test="document-table"] tbody tr >> nth=2');
    expect(await startAndFinish(page)).toBe('3/3 (100%)');
    const local = await api<{ items: Array<{ name: string }> }>(
      a.url,
      a.adminToken,
      'GET',
      '/api/repositories',
    );
    expect(local.items.map((repository) => repository.name)).toContain('beta');

    await page.goto('/sync/history');
    await page.waitForSelector('[data-test="session-table"] tbody tr[data-session] >> nth=2');
    const rows = await page.locator('[data-test="session-table"] tbody tr[data-session]').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/completed\s*pull\s*beta/);
    expect(rows[2]).toMatch(/completed\s*push\s*alpha/);
    await screenshot(page, 'sync-history');
    await page.locator('[data-test="session-table"] tbody tr[data-session] >> nth=1').locator('a').click();
    await page.waitForSelector('[data-test="session-items"]');
    expect(await page.textContent('[data-test="session-facts"]')).toContain('incremental');
    await screenshot(page, 'sync-session');
    await context.close();
  });
});
