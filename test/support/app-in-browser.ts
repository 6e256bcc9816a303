// A describe block's browser flows: the built app on a fresh server process and a headless
// Chromium (see browser.ts) to open it in, started before the block's tests, closed after.
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, type ContextMaker } from './browser.js';
import { useServerProcesses, type ServerProcessOptions } from './server-process.js';

/**
 * Registers the hooks that launch a Chromium for the describe block that calls it, before
 * its tests, and close it (with every context it opened) after them.
 */
export function useBrowser(): ContextMaker {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    browser = undefined;
  });
  return {
    newContext(options) {
      if (!browser) throw new Error('the browser runs only in the hooks and tests of its describe block');
      return browser.newContext(options);
    },
  };
}

/**
 * The built app on a fresh server process, and a Chromium to open it in, for the describe
 * block that calls it (see `useServerProcesses` and `useBrowser`).
 */
export function useAppInBrowser(options: ServerProcessOptions = {}) {
  const [server] = useServerProcesses(options);
  return { server, browser: useBrowser() };
}
