// An administrator runs the wiki from the browser: signs in with a password, creates a user,
// grants one repository read-only and creates a peer token; that user then signs in with
// their password and sees only that repository.
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { api } from '../support/api.js';

const ADMIN_PASSWORD = 'admin password 2026';

describe('the admin page in a real browser', () => {
  const { server, browser } = useAppInBrowser({ env: { ADMIN_PASSWORD } });

  beforeAll(async () => {
    for (const name of ['handbook', 'finance'])
      await api(server.url, server.adminToken, 'POST', '/api/repositories', { name });
  });

  it('creates a user, grants one repository read-only and a peer token; the user sees only that one', async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto('/sign-in');
    await page.fill('[data-test="name-input"]', 'admin');
    await page.fill('[data-test="password-input"]', 'not the password');
    await page.click('[data-test="password-sign-in"]');
    await expect.poll(() => page.textContent('[role="alert"]')).toMatch(/name or the password is wrong/);
    await page.fill('[data-test="password-input"]', ADMIN_PASSWORD);
    await page.click('[data-test="password-sign-in"]');
    await page.waitForSelector('[data-test="repository-list"]');

    await page.click('[data-test="nav-admin"]');
    await page.waitForSelector('[data-test="admin-users"]');
    await page.fill('[data-test="new-user-name"]', 'lin');
    await page.fill('[data-test="new-user-password"]', 'lin password 1');
    await page.click('[data-test="create-user-submit"]');
    await page.waitForSelector('[data-test="admin-users"] tr[data-user="lin"]');

    // The pickers list the new user once the users are reloaded.
    await page.selectOption('[data-test="grant-user"]', { label: 'lin' });
    await page.selectOption('[data-test="grant-repository"]', { label: 'handbook' });
    await page.selectOption('[data-test="grant-access"]', 'read');
    await page.click('[data-test="create-grant-submit"]');
    await expect
      .poll(() => page.textContent('[data-test="admin-grants"]'))
      .toMatch(/lin\s*handbook\s*Read only/);

    await page.fill('[data-test="peer-token-name"]', 'mirror');
    await page.click('[data-test="create-peer-token-submit"]');
    const peerToken = (await page.locator('[data-test="shown-once-secret"]').textContent())!.trim();
    expect(peerToken).toMatch(/^wst_/);
    await expect.poll(() => page.textContent('[data-test="admin-peer-tokens"]')).toContain('mirror');
    // The token shown works for a peer.
    const ping = await fetch(`${server.url}/api/sync/ping`, {
      headers: { authorization: `Bearer ${peerToken}` },
    });
    expect(ping.status).toBe(200);
    await screenshot(page, 'admin');

    // Sign-out ends the session on the server.
    const session = await page.evaluate(() => localStorage.getItem('wikisync.token'));
    await page.click('[data-test="sign-out"]');
    await page.waitForURL(/\/sign-in/);
    const after = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${session}` } });
    expect(after.status).toBe(401);
    await context.close();

    const linContext = await browser.newContext({ baseURL: server.url });
    const linPage = await linContext.newPage();
    await linPage.goto('/sign-in');
    await linPage.fill('[data-test="name-input"]', 'lin');
    await linPage.fill('[data-test="password-input"]', 'lin password 1');
    await linPage.click('[data-test="password-sign-in"]');
    await linPage.waitForSelector('[data-test="repository-list"]');
    await expect.poll(() => linPage.textContent('[data-test="repository-list"]')).toContain('handbook');
    expect(await linPage.textContent('[data-test="repository-list"]')).not.toContain('finance');
    expect(await linPage.textContent('.app-header')).not.toContain('Admin');
    await linContext.close();
  });
});
