// Every page, as axe-core sees it in Chromium: no serious or critical WCAG A/AA violation,
// in the light and the dark colour scheme, and no sideways scrolling on a 390 px phone.
import { beforeAll, describe, expect, it } from 'vitest';
import { signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { api } from '../support/api.js';
import { seriousViolations } from '../support/axe.js';

describe('accessibility in a real browser', () => {
  const { server, browser } = useAppInBrowser();
  const pages: { name: string; path: string; ready: string }[] = [];

  beforeAll(async () => {
    const repository = await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/repositories', {
      name: 'handbook',
      description: 'How we work',
    });
    const task = await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/tasks', {
      repository_id: repository.id,
      title: 'Write the onboarding page',
      status: 'succeeded',
    });
    const document = await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/documents', {
      repository_id: repository.id,
      task_id: task.id,
      title: 'Onboarding',
      content: '# Onboarding\n\nWelcome **aboard**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    });
    pages.push(
      { name: 'repositories', path: '/', ready: '[data-test="repository-list"]' },
      { name: 'repository', path: `/repo/${repository.id}`, ready: '[data-test="task-table"]' },
      {
        name: 'document',
        path: `/repo/${repository.id}/doc/${document.id}`,
        ready: '[data-test="document-title"]',
      },
      {
        name: 'editor',
        path: `/repo/${repository.id}/doc/${document.id}?edit=1`,
        ready: '[data-test="markdown-input"]',
      },
      { name: 'instance sync', path: '/sync', ready: 'h1' },
      { name: 'sync history', path: '/sync/history', ready: 'h1' },
      { name: 'admin', path: '/admin', ready: '[data-test="admin-users"]' },
    );
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`finds no serious violation on any page (${colorScheme})`, async () => {
      const found: Record<string, unknown> = {};
      const signedIn = await signedInContext(browser, server.url, server.adminToken);
      const page = await signedIn.newPage();
      await page.emulateMedia({ colorScheme });
      for (const each of pages) {
        await page.goto(each.path);
        await page.waitForSelector(each.ready);
        const violations = await seriousViolations(page);
        if (violations.length) found[each.name] = violations;
      }
      await signedIn.close();

      const anonymous = await browser.newContext({ baseURL: server.url, colorScheme });
      const signIn = await anonymous.newPage();
      await signIn.goto('/sign-in');
      await signIn.waitForSelector('[data-test="password-form"]');
      const atSignIn = await seriousViolations(signIn);
      if (atSignIn.length) found['sign-in'] = atSignIn;
      await anonymous.close();
      expect(found).toEqual({});
    });
  }

  it('fits a 390 px wide phone without sideways scrolling', async () => {
    const context = await signedInContext(browser, server.url, server.adminToken);
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const overflowing: Record<string, string> = {};
    for (const each of pages) {
      await page.goto(each.path);
      await page.waitForSelector(each.ready);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390)
        // What sticks out, outside the tables (which scroll inside themselves), to say what to fix.
        overflowing[each.name] = await page.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((element) => element.getBoundingClientRect().right > 392 && !element.closest('table'))
            .slice(0, 5)
            .map(
              (element) =>
                `${element.tagName.toLowerCase()}.${element.className} (${Math.round(element.getBoundingClientRect().right)} px)`,
            )
            .join(', '),
        );
    }
    await context.close();
    expect(overflowing).toEqual({});
  });
});
