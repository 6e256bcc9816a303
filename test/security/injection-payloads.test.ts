// Hostile text is data: SQL-injection strings and HTML/script payloads written through the
// API are stored and served back verbatim (REST and the replication feed), leave the
// database intact, and in real Chromium are shown as text while no script of theirs runs:
// `window.__pwned` stays unset, no dialog opens, no element carries an event handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import type { Document as Doc } from '@wikisync/shared';
import { api } from '../support/api.js';
import { readAll } from '../faults/fault-kit.js';

const PAYLOADS = [
  `<script>window.__pwned = 'script'; alert(1)</script>`,
  `<img src=x onerror="window.__pwned = 'img'; alert(2)">`,
  `"><svg onload="window.__pwned = 'svg'">`,
  `<iframe srcdoc="<script>parent.__pwned = 'iframe'</script>"></iframe>`,
  `<a href="javascript:window.__pwned = 'href'">click</a>`,
  `'; DROP TABLE documents; --`,
  `' OR '1'='1`,
  `1); DELETE FROM repositories WHERE (1=1`,
  `$1 $$ \\x00 %s {{ 7*7 }} \${7*7}`,
];

describe('injection payloads are stored verbatim and rendered inert', () => {
  const { server, browser } = useAppInBrowser();
  let context: BrowserContext;
  let repositoryId: number;
  const docs: Doc[] = [];
  const repositoryName = `<img src=x onerror="window.__pwned = 'repo'">'; DROP TABLE repositories; --`;
  const contentOf = (payload: string, index: number) =>
    `${payload}\n\nAs code: \`${payload}\`\n\nend of payload ${index}`;

  beforeAll(async () => {
    repositoryId = (
      await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/repositories', {
        name: repositoryName,
        description: PAYLOADS[1],
      })
    ).id;
    for (const [index, payload] of PAYLOADS.entries()) {
      docs.push(
        await api<Doc>(server.url, server.adminToken, 'POST', '/api/documents', {
          repository_id: repositoryId,
          title: payload,
          content: contentOf(payload, index),
        }),
      );
    }
  });
  afterAll(async () => {
    await context?.close().catch(() => {});
  });

  it('serves every payload back verbatim through REST and replication, with the tables intact', async () => {
    for (const [index, doc] of docs.entries()) {
      const read = await api<Doc>(server.url, server.adminToken, 'GET', `/api/documents/${doc.id}`);
      expect(read.title).toBe(PAYLOADS[index]);
      expect(read.content).toBe(contentOf(PAYLOADS[index]!, index));
    }
    const replicated = await readAll(server.url, server.adminToken, 'documents');
    for (const [index, doc] of docs.entries()) {
      const row = replicated.find((each) => each.uid === doc.uid)!;
      expect(row.title).toBe(PAYLOADS[index]);
      expect(row.content).toBe(contentOf(PAYLOADS[index]!, index));
    }
    const repositories = await readAll(server.url, server.adminToken, 'repositories');
    expect(repositories.map((row) => row.name)).toEqual([repositoryName]);
    const listed = await api<{ total: number }>(
      server.url,
      server.adminToken,
      'GET',
      `/api/documents?repository_id=${repositoryId}`,
    );
    expect(listed.total).toBe(PAYLOADS.length);
  });

  it('shows the payloads as text in Chromium and runs none of them', async () => {
    context = await signedInContext(browser, server.url, server.adminToken);
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    async function expectInert(where: string, view: Page) {
      // Event handlers and scripts would need a moment (image errors, frames loading).
      await view.waitForTimeout(300);
      const state = await view.evaluate(() => ({
        pwned: (window as { __pwned?: unknown }).__pwned,
        handlers: [...document.querySelectorAll('body *')]
          .flatMap((element) => [...element.attributes].map((attribute) => attribute.name))
          .filter((name) => name.startsWith('on')),
        scripts: document.querySelectorAll('body script, body iframe').length,
        javascriptLinks: [...document.querySelectorAll('a[href]')].filter((a) =>
          a.getAttribute('href')!.trim().toLowerCase().startsWith('javascript:'),
        ).length,
      }));
      expect(state, where).toEqual({ pwned: undefined, handlers: [], scripts: 0, javascriptLinks: 0 });
      expect(dialogs, where).toEqual([]);
    }

    await page.goto('/');
    await page.waitForSelector('[data-test="repository-list"]', { timeout: 30_000 });
    await expect
      .poll(() => page.textContent('[data-test="repository-list"]'), { timeout: 30_000 })
      .toContain(repositoryName);
    await expectInert('repository list', page);

    await page.goto(`/repo/${repositoryId}`);
    await expect.poll(() => page.textContent('body'), { timeout: 30_000 }).toContain(PAYLOADS[5]);
    await expectInert('repository page', page);

    for (const [index, doc] of docs.entries()) {
      await page.goto(`/repo/${repositoryId}/doc/${doc.id}`);
      await page.waitForSelector('[data-test="document-title"]', { timeout: 30_000 });
      expect(await page.textContent('[data-test="document-title"]')).toBe(PAYLOADS[index]);
      const content = await page.textContent('[data-test="document-content"]');
      // The code span shows the payload exactly as written; the raw copy is sanitised.
      expect(content).toContain(PAYLOADS[index]);
      expect(content).toContain(`end of payload ${index}`);
      await expectInert(`document ${index}`, page);
    }
  });
});
