import { describe, expect, it } from 'vitest';
import { useTestApp } from '../testing/test-app.js';
import { useWebDist } from '../testing/web-dist.js';

describe('serving the built web app', () => {
  const t = useTestApp('pglite', { webDistDir: useWebDist('app-123.js') });

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
