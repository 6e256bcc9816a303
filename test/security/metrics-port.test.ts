// METRICS_PORT serves the metrics without a token, for a scraper on a private network: that
// port serves nothing else, and the main port still asks for an admin token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../apps/server/src/testing/server-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

describe('metrics on their own port', () => {
  let server: ServerProcess;
  let metricsPort: number;
  beforeAll(async () => {
    metricsPort = await freePort();
    server = await startServerProcess({ env: { METRICS_PORT: String(metricsPort) } });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('answers /metrics there without a token, and nothing else', async () => {
    await fetch(`${server.url}/health`);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(
      /wikisync_http_requests_total\{method="GET",route="\/health",status="200"\} [1-9]/,
    );
    for (const path of ['/api/repositories', '/health', '/api/openapi.json'])
      expect((await fetch(`http://127.0.0.1:${metricsPort}${path}`)).status, path).toBe(404);
  });

  it('still refuses /metrics on the main port without an admin token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const admin = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(admin.status).toBe(200);
  });
});
