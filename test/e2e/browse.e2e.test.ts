// A new user's first visit: sign in with a token, open a repository, read a document.
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { api } from '../support/api.js';

describe('browsing in a real browser', () => {
  const { server, browser } = useAppInBrowser();
  let repositoryId: number;
  let documentId: number;
  let readerToken: string;

  beforeAll(async () => {
    const repository = await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/repositories', {
      name: 'handbook',
      description: 'How we work',
    });
    repositoryId = repository.id;
    const task = await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/tasks', {
      repository_id: repositoryId,
      title: 'Write the onboarding page',
      status: 'succeeded',
    });
    const document = await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/documents', {
      repository_id: repositoryId,
      task_id: task.id,
      title: 'Onboarding',
      content: '# Onboarding\n\nWelcome **aboard**.\n\n<img src=x onerror="document.title=\'pwned\'">',
    });
    documentId = document.id;
    // A user who may read the repository but is no administrator (the CLI owns the database
    // while the server is stopped).
    await server.stop();
    await server.cli('user', 'create', 'reader');
    await server.cli('grant', 'reader', String(repositoryId), 'read');
    readerToken = (await server.cli('token', 'create', 'reader')).trim();
    await server.start();
  });

  it('signs in, lists repositories and renders a document as markdown with scripts inert', async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    await page.goto(`/repo/${repositoryId}/doc/${documentId}`);
    await page.waitForURL(/\/sign-in/);
    await screenshot(page, 'sign-in');

    await page.fill('[data-test="token-input"]', 'wrong-token');
    await page.click('[data-test="sign-in"]');
    await expect.poll(() => page.textContent('[role="alert"]')).toMatch(/unknown, expired or revoked/);

    await page.fill('[data-test="token-input"]', server.adminToken);
    await page.click('[data-test="sign-in"]');
    await page.waitForURL(new RegExp(`/repo/${repositoryId}/doc/${documentId}$`));
    await page.waitForSelector('[data-test="document-title"]');
    expect(await page.textContent('[data-test="document-title"]')).toBe('Onboarding');
    expect(await page.innerHTML('article.markdown')).toContain('<strong>aboard</strong>');
    expect(await page.title()).not.toBe('pwned');
    await screenshot(page, 'document');

    await page.goto('/');
    await page.waitForSelector('[data-test="repository-list"]');
    expect(await page.textContent('[data-test="repository-list"]')).toContain('handbook');
    await screenshot(page, 'repositories');

    await page.click('text=handbook');
    await page.waitForSelector('[data-test="task-table"]');
    expect(await page.textContent('[data-test="task-table"]')).toContain('Write the onboarding page');
    await screenshot(page, 'repository');
    await context.close();
  });

  it('shows instance sync only to administrators', async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.fill('[data-test="token-input"]', readerToken);
    await page.click('[data-test="sign-in"]');
    await page.waitForSelector('[data-test="repository-list"]');
    expect(await page.textContent('[data-test="repository-list"]')).toContain('handbook');
    expect(await page.textContent('.app-header')).not.toContain('Instance sync');
    await page.goto('/sync');
    await page.waitForSelector('[data-test="repository-list"]');
    expect(new URL(page.url()).pathname).toBe('/');
    await context.close();

    const admin = await browser.newContext({ baseURL: server.url });
    const adminPage = await admin.newPage();
    await adminPage.goto('/sign-in');
    await adminPage.fill('[data-test="token-input"]', server.adminToken);
    await adminPage.click('[data-test="sign-in"]');
    await adminPage.waitForSelector('[data-test="repository-list"]');
    expect(await adminPage.textContent('.app-header')).toContain('Instance sync');
    await admin.close();
  });
});
