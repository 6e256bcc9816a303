// Real headless Chromium (Debian's package) driven by playwright-core; no browser download.
// Free of vitest, so the benchmarks launch the same browser; the tests' hooks that launch
// it for a describe block are in app-in-browser.ts.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = fileURLToPath(new URL('../e2e/screenshots/', import.meta.url));

/**
 * Flags for every Chromium we start. Without the background-networking ones Chromium keeps
 * trying hosts that a closed network refuses.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** The part of a browser the tests use: a fresh context (profile) at a time. */
export interface ContextMaker {
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/** A context whose pages are already signed in with `token`. */
export async function signedInContext(
  browser: ContextMaker,
  baseURL: string,
  token: string,
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 860 } });
  await context.addInitScript((value) => {
    if (!localStorage.getItem('wikisync.token')) {
      localStorage.setItem('wikisync.token', value);
      localStorage.setItem('wikisync.token.user', 'e2e');
    }
  }, token);
  return context;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}
