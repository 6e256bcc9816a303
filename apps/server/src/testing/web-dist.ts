// A stand-in for the built web app, for tests of how the server serves it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Writes an `index.html` and one script, `assets/<asset>`, to a fresh temporary folder for
 * the describe block that calls it, and removes the folder after its tests. Returns the path.
 */
export function useWebDist(asset: string): string {
  const dist = mkdtempSync(join(tmpdir(), 'wikisync-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(dist, 'assets', asset), 'console.log(1)');
  afterAll(() => rmSync(dist, { recursive: true, force: true }));
  return dist;
}
