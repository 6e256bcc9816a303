// An initiator only ever calls targets an operator saved: an unsaved URL, a saved target that
// redirects elsewhere, and non-HTTP schemes are refused, and no request reaches the victim.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf } from '../../apps/server/src/testing/test-app.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import {
  runSync,
  saveTarget,
  seedRepository,
  usePeers,
} from '../../apps/server/src/testing/peer-test-kit.js';

async function httpServer(
  handler: (request: IncomingMessage) => { status: number; headers?: Record<string, string> },
) {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    const answer = handler(request);
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(JSON.stringify({ code: 'OK', data: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    hits,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe.each(testDatabaseKinds())('SSRF guards of the initiator on %s', (kind) => {
  const [peer] = usePeers(kind, {});
  let victim: Awaited<ReturnType<typeof httpServer>>;
  let redirector: Awaited<ReturnType<typeof httpServer>>;
  let repositoryId: number;

  beforeAll(async () => {
    victim = await httpServer(() => ({ status: 200 }));
    redirector = await httpServer(() => ({
      status: 307,
      headers: { location: `${victim.url}/api/sync/ping` },
    }));
    repositoryId = (await seedRepository(peer.t.database.db, 'secret-repo', 2)).id;
  });
  afterAll(async () => {
    await victim.close();
    await redirector.close();
  });

  it('refuses a push or pull to an unsaved target before sending anything', async () => {
    for (const path of ['/api/sync', '/api/sync/pull']) {
      const response = await peer.t.request('POST', path, {
        body: { target_server: `${victim.url}/api/sync`, repository_id: repositoryId },
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect((await jsonOf(response)).error).toMatch(/saved|target/i);
    }
    expect(victim.hits).toEqual([]);
  });

  it('refuses non-HTTP schemes and URLs that do not end in /api/sync', async () => {
    for (const url of [
      'file:///etc/passwd/api/sync',
      'gopher://127.0.0.1:70/api/sync',
      'ftp://x/api/sync',
      `${victim.url}/admin`,
    ]) {
      const response = await peer.t.request('POST', '/api/sync/target-save', { body: { url } });
      expect(response.status, url).toBe(400);
      expect((await jsonOf(response)).error).toMatch(/http|api\/sync/);
    }
    expect(victim.hits).toEqual([]);
  });

  it('does not follow a saved target that redirects elsewhere', async () => {
    await saveTarget(peer, `${redirector.url}/api/sync`);
    const { session } = await runSync(peer, '/api/sync', {
      target_server: `${redirector.url}/api/sync`,
      repository_id: repositoryId,
    });
    expect(session.status).toBe('failed');
    expect(session.error, JSON.stringify(session)).toMatch(/redirect/i);
    expect(redirector.hits.length).toBeGreaterThan(0);
    expect(victim.hits).toEqual([]);
  });
});
