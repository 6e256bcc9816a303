// An app upgrade that changes the replica's schema, in real Chromium: the app as built
// (release N) is open on a document, the network goes away, the document is edited and the tab
// is closed with the edit only in IndexedDB. The server comes back serving release N+1, whose
// documents schema has the next version with a field added and a migration strategy
// (fixtures/next-collection-schemas.ts). Reopening the app migrates the replica, and the edit
// made before the upgrade reaches the server. Both releases are served from the same origin
// by the same server process, so they share the browser's IndexedDB, as two releases do.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Document as Doc } from '@wikisync/shared';
import { screenshot, signedInContext } from '../support/browser.js';
import { useAppInBrowser } from '../support/app-in-browser.js';
import { api } from '../support/api.js';
import { contentOnServer, editDocument, shownContent, shownSyncStatus } from '../support/document-page.js';
import { BUILT_WEB_DIST, buildAppWithVariant } from '../support/next-app-build.js';

const VARIANT = fileURLToPath(new URL('./fixtures/next-collection-schemas.ts', import.meta.url));
const SCHEMA_HEADER = 'x-wikisync-client-schema';

/** The folder the server serves the app from; each release is copied in before a start. */
const served = mkdtempSync(join(tmpdir(), 'wikisync-served-app-'));
function serve(release: string) {
  rmSync(served, { recursive: true, force: true });
  cpSync(release, served, { recursive: true });
}

describe('a replica schema upgrade in a real browser', () => {
  let nextRelease = '';
  let buildSeconds = 0;
  beforeAll(async () => {
    const started = Date.now();
    nextRelease = await buildAppWithVariant('collection-schemas', VARIANT);
    buildSeconds = (Date.now() - started) / 1000;
    serve(BUILT_WEB_DIST);
  }, 300_000);
  const { server, browser } = useAppInBrowser({ env: { WEB_DIST_DIR: served } });
  afterAll(() => {
    rmSync(served, { recursive: true, force: true });
    if (nextRelease) rmSync(nextRelease, { recursive: true, force: true });
  });

  /** The replica schema version the page's sync requests report (which release is running). */
  const reportedSchema = (page: Page) => {
    const seen: string[] = [];
    page.on('request', (request) => {
      const value = request.headers()[SCHEMA_HEADER];
      if (value) seen.push(value);
    });
    return seen;
  };
  const expectStatus = (page: Page, status: string) =>
    expect.poll(() => shownSyncStatus(page), { timeout: 30_000 }).toBe(status);

  it('keeps an edit made offline before the upgrade and pushes it after the replica migrates', async () => {
    const repositoryId = (
      await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/repositories', {
        name: 'upgrade',
      })
    ).id;
    const doc = await api<Doc>(server.url, server.adminToken, 'POST', '/api/documents', {
      repository_id: repositoryId,
      title: 'Release notes',
      content: '# Release notes\n\nwritten on release N',
    });
    const context = await signedInContext(browser, server.url, server.adminToken);
    try {
      // Release N, online: the replica is filled and in sync.
      const before = await context.newPage();
      const seenBefore = reportedSchema(before);
      await before.goto(`/repo/${repositoryId}/doc/${doc.id}`);
      await before.waitForSelector('[data-test="document-title"]', { timeout: 30_000 });
      await expectStatus(before, 'Synced');

      // Offline: the edit stays in IndexedDB, and the tab is closed.
      await context.setOffline(true);
      await server.stop();
      const edited = '# Release notes\n\nedited offline on release N, pushed by release N+1';
      await editDocument(before, edited);
      await expect.poll(() => before.textContent('[data-test="sync-pending"]')).toBe('1 pending');
      await before.close();
      expect(await contentOnServer(server, doc.id).catch(() => 'server down')).toBe('server down');

      // The server is back, serving release N+1.
      serve(nextRelease);
      await server.start();
      await context.setOffline(false);
      const after = await context.newPage();
      const seenAfter = reportedSchema(after);
      await after.goto(`/repo/${repositoryId}/doc/${doc.id}`);
      await after.waitForSelector('[data-test="document-content"]', { timeout: 30_000 });
      expect(await shownContent(after)).toContain('edited offline on release N');
      await expect.poll(() => contentOnServer(server, doc.id), { timeout: 30_000 }).toBe(edited);
      await expectStatus(after, 'Synced');
      await screenshot(after, 'replica-upgrade-pushed');

      // It really was the next release that migrated and pushed: its requests report the
      // bumped replica schema version.
      const versionBefore = Number(seenBefore.at(-1));
      expect(seenAfter.length).toBeGreaterThan(0);
      expect(new Set(seenAfter.map(Number))).toEqual(new Set([versionBefore + 1]));
      // The migrated documents collection is the one in IndexedDB now.
      const stores = await after.evaluate(async () =>
        (await indexedDB.databases()).map((database) => database.name ?? ''),
      );
      expect(stores.some((name) => /--1--documents/.test(name))).toBe(true);
      console.info(`release N+1 built in ${buildSeconds.toFixed(1)} s`);
    } finally {
      await context.close();
    }
  });
});
