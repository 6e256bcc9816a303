// Builds browser-entry.ts into one script for the page (esbuild, in memory), and opens a page
// that runs it at the server's own origin.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export async function browserBundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser-entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/**
 * A page running the bundle, served at the server's own origin (intercepted, never reaching
 * the server), so its API calls are same-origin like the real app's.
 */
export async function openBenchPage(browser: Browser, serverUrl: string): Promise<Page> {
  const bundle = await browserBundle();
  const page = await browser.newPage();
  await page.route(`${serverUrl}/__bench/**`, (route) =>
    route.request().url().endsWith('.js')
      ? route.fulfill({ contentType: 'text/javascript', body: bundle })
      : route.fulfill({
          contentType: 'text/html',
          body: '<!doctype html><script src="/__bench/bundle.js"></script>',
        }),
  );
  await page.goto(`${serverUrl}/__bench/index.html`);
  return page;
}
