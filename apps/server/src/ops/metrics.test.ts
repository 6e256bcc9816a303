import { describe, expect, it } from 'vitest';
import { repositoryDoc } from '@wikisync/shared/testing';
import { jsonOf, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';
import { useWebDist } from '../testing/web-dist.js';

/** The value of one sample line of the exposition, e.g. `name{label="x"} 3`; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text
    .split('\n')
    .find((candidate) =>
      candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `)
        ? wanted.every((label) => candidate.includes(label))
        : false,
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe.each(testDatabaseKinds())('GET /metrics on %s', (kind) => {
  const t = useTestApp(kind);
  const scrape = async () => {
    const response = await t.request('GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  it('counts requests by route pattern and status, and times them', async () => {
    const before = await scrape();
    const created = await jsonOf(await t.request('POST', '/api/repositories', { body: { name: 'metered' } }));
    await t.request('GET', `/api/repositories/${created.data.id}`);
    await t.request('GET', '/api/repositories/99999999');
    await t.request('GET', '/api/nothing-here');
    const after = await scrape();

    const ok = { method: 'GET', route: '/api/repositories/:id', status: '200' };
    const missing = { ...ok, status: '404' };
    const name = 'wikisync_http_requests_total';
    expect(sample(after, name, ok) - sample(before, name, ok)).toBe(1);
    expect(sample(after, name, missing) - sample(before, name, missing)).toBe(1);
    expect(sample(after, name, { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    // The pattern, never the raw path: ids do not make new series.
    expect(after).not.toContain(`route="/api/repositories/${created.data.id}"`);
    expect(after).not.toContain('route="/api/nothing-here"');
    const latency = 'wikisync_http_request_duration_seconds_count';
    expect(
      sample(after, latency, { route: '/api/repositories/:id' }) -
        sample(before, latency, { route: '/api/repositories/:id' }),
    ).toBe(2);
  });

  it('counts replication rows pushed and pulled, and reports sync sessions by status', async () => {
    const before = await scrape();
    const pushed = await t.request('POST', '/api/v1/sync/push', {
      body: {
        collection: 'repositories',
        rows: [{ assumed_master_state: null, new_document_state: repositoryDoc({ name: 'pushed' }) }],
      },
    });
    expect(pushed.status).toBe(200);
    const pulled = await jsonOf(await t.request('GET', '/api/v1/sync/changes?collection=repositories'));
    const after = await scrape();
    const name = 'wikisync_replication_rows_pushed_total';
    expect(sample(after, name) - sample(before, name)).toBe(1);
    const pulledName = 'wikisync_replication_rows_pulled_total';
    expect(sample(after, pulledName) - sample(before, pulledName)).toBe(pulled.data.documents.length);
    expect(pulled.data.documents.length).toBeGreaterThan(0);
    expect(after).toContain('wikisync_instance_sync_sessions{status="completed"} 0');
    expect(after).toContain('wikisync_replication_open_streams 0');
    if (kind === 'postgres') expect(after).toContain('wikisync_db_pool_max_connections');
  });

  it('refuses users who are not admins, and callers without a token', async () => {
    const reader = await t.createUserWithToken(`reader-${kind}`);
    const refused = await t.request('GET', '/metrics', { token: reader.token });
    expect(refused.status).toBe(403);
    expect((await jsonOf(refused)).error).toMatch(/admin/);
    expect((await t.request('GET', '/metrics', { token: null })).status).toBe(401);
  });
});

describe('route labels with the web app mounted', () => {
  const t = useTestApp('pglite', { webDistDir: useWebDist('app-1.js') });

  it('names the route that answered, not the fallback that matches every path', async () => {
    await t.request('GET', '/health');
    await t.request('GET', '/api/tasks/1', { token: 'not-a-token' });
    await t.request('GET', '/repo/1/doc/2');
    await t.request('GET', '/api/nothing-here');
    const text = await (await t.request('GET', '/metrics')).text();
    const name = 'wikisync_http_requests_total';
    expect(sample(text, name, { route: '/health', status: '200' })).toBe(1);
    expect(sample(text, name, { route: '/api/tasks/:id', status: '401' })).toBe(1);
    expect(sample(text, name, { route: '/*', status: '200' })).toBe(1);
    expect(sample(text, name, { route: 'unmatched', status: '404' })).toBe(1);
  });
});
