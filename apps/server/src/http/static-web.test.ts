import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';

describe('serving the built web app', () => {
  let t: TestApp;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'wikisync-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(join(dist, 'assets', 'app-123.js'), 'console.log(1)');
    t = await startTestApp('pglite', { webDistDir: dist });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and at deep links (SPA fallback)', async () => {
    for (const path of ['/', '/repo/1/doc/2', '/sync/history']) {
      const response = await t.app.request(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="app">');
    }
  });

  it('serves built assets with a long cache life', async () => {
    const response = await t.app.request('/assets/app-123.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('keeps API 404s as JSON instead of the app', async () => {
    const response = await t.app.request('/api/nope', {
      headers: { authorization: 'Bearer test-admin-token' },
    });
    expect(response.status).toBe(404);
    expect((await response.json()) as object).toMatchObject({ code: 'NOT_FOUND' });
  });
});
