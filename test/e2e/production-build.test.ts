// The shipped web bundle must not contain RxDB's dev-mode: in a browser it loads a tracking
// iframe from rxdb.info (STACK-NOTES) and slows every write with schema checks.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ASSETS = fileURLToPath(new URL('../../apps/web/dist/assets/', import.meta.url));

describe('the production web build', () => {
  it('contains no RxDB dev-mode code and registers the offline service worker', () => {
    expect(existsSync(ASSETS), 'run `pnpm build` first (the test command does)').toBe(true);
    const scripts = readdirSync(ASSETS).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const bundle = scripts.map((name) => readFileSync(`${ASSETS}${name}`, 'utf8')).join('\n');
    // Markers of the dev-mode plugin itself (core only references dev-mode in messages).
    for (const marker of ['iframeShown', 'RxDBDevModePlugin', 'track the results of marketing']) {
      expect(bundle.includes(marker), `bundle contains "${marker}"`).toBe(false);
    }
    expect(bundle.includes('/sw.js'), 'bundle registers /sw.js').toBe(true);
    expect(existsSync(fileURLToPath(new URL('../../apps/web/dist/sw.js', import.meta.url)))).toBe(true);
  });
});
