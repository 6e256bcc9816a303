// A browser killed with edits it has not pushed: Chromium runs with its own profile folder,
// goes offline, takes an edit, and is SIGKILLed (no orderly shutdown, nothing flushed on
// exit). A new Chromium on the same profile still shows the edit, which the server still
// lacks while pushes are held back; once they are let through, the edit reaches the server.
// (The "n pending" badge counts only this session's edits, docs/replication.md "Known
// limits", so "still pending" is shown as: local has it, server does not.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser.js';
import { useServerProcesses } from '../support/server-process.js';
import { api } from '../support/api.js';
import { contentOnServer, editDocument, shownSyncStatus } from '../support/document-page.js';

interface RunningChromium {
  process: ChildProcess;
  browser: Browser;
  context: BrowserContext;
}

/** Chromium as its own process on `profile`, driven over CDP, so the test can SIGKILL it. */
async function startChromium(profile: string): Promise<RunningChromium> {
  const child = spawn(
    CHROMIUM_PATH,
    [
      '--headless',
      ...CHROMIUM_ARGS,
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    // Its own process group, so a kill takes its renderer, GPU and crash helpers with it, as
    // a crash of the whole browser would; otherwise they go on writing into the profile.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${output}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited with ${code}:\n${output}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  return { process: child, browser, context: browser.contexts()[0]! };
}

async function kill(running: RunningChromium): Promise<void> {
  const group = running.process.pid!;
  const exited =
    running.process.exitCode !== null || running.process.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => running.process.once('exit', () => resolve()));
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
  await exited;
  // The helpers are reparented when the main process dies; wait (bounded) until none is left.
  for (let waited = 0; waited < 10_000; waited += 100) {
    try {
      process.kill(-group, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a browser killed with pending offline edits', () => {
  const [server] = useServerProcesses({});
  let profile: string;
  const running: RunningChromium[] = [];
  let repositoryId: number;
  let doc: { id: number; content: string };

  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'wikisync-profile-'));
    repositoryId = (
      await api<{ id: number }>(server.url, server.adminToken, 'POST', '/api/repositories', {
        name: 'killed',
      })
    ).id;
    doc = await api(server.url, server.adminToken, 'POST', '/api/documents', {
      repository_id: repositoryId,
      title: 'Survivor',
      content: '# Survivor\n\nbefore',
    });
  });
  afterAll(async () => {
    for (const each of running) await kill(each);
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (error) {
      // A leftover temporary profile is not what this test is about.
      console.warn(`could not remove ${profile}: ${String(error)}`);
    }
  });

  const serverContent = () => contentOnServer(server, doc.id);

  const signIn = (context: BrowserContext) =>
    context.addInitScript((token) => {
      if (!localStorage.getItem('wikisync.token')) {
        localStorage.setItem('wikisync.token', token);
        localStorage.setItem('wikisync.token.user', 'e2e');
      }
    }, server.adminToken);

  async function openDocument(context: BrowserContext): Promise<Page> {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/repo/${repositoryId}/doc/${doc.id}`);
    await page.waitForSelector('[data-test="document-content"]', { timeout: 30_000 });
    return page;
  }

  it('still has the edit after the kill and pushes it once allowed', async () => {
    const first = await startChromium(profile);
    running.push(first);
    await signIn(first.context);
    const page = await openDocument(first.context);
    await expect.poll(() => shownSyncStatus(page), { timeout: 30_000 }).toBe('Synced');

    await first.context.setOffline(true);
    await expect.poll(() => shownSyncStatus(page), { timeout: 30_000 }).toBe('Offline');
    await editDocument(page, '# Survivor\n\nwritten before the crash');
    await expect.poll(() => page.textContent('[data-test="sync-pending"]')).toBe('1 pending');
    await kill(first);
    expect(await serverContent()).not.toContain('written before the crash');

    const second = await startChromium(profile);
    running.push(second);
    // Chromium writes localStorage to disk lazily, so the sign-in may not survive a SIGKILL;
    // the token is set again. The edit lives in IndexedDB, which is what is under test.
    await signIn(second.context);
    // Hold every push back until the edit has been seen locally.
    let heldPushes = 0;
    await second.context.route('**/api/v1/sync/push', (route) => {
      heldPushes++;
      return route.abort('connectionrefused');
    });
    const reopened = await openDocument(second.context);
    await expect
      .poll(() => reopened.textContent('[data-test="document-content"]'), { timeout: 30_000 })
      .toContain('written before the crash');
    await expect.poll(() => heldPushes, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await serverContent()).not.toContain('written before the crash');

    await second.context.unroute('**/api/v1/sync/push');
    await expect.poll(serverContent, { timeout: 60_000 }).toContain('written before the crash');
    await expect
      .poll(() => reopened.textContent('[data-test="sync-status"]'), { timeout: 30_000 })
      .toBe('Synced');
  });
});
