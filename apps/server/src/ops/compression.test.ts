import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { listen, TEST_ADMIN_TOKEN, useTestApp } from '../testing/test-app.js';
import { readSseMessages } from '../testing/sse-events.js';
import { chooseEncoding, COMPRESSION_THRESHOLD } from './compression.js';

/** A built web app with a large script and a picture (already compressed). */
function webDist(): string {
  const dist = mkdtempSync(join(tmpdir(), 'wikisync-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), `<!doctype html><div id="app"></div>${'<!-- x -->'.repeat(200)}`);
  writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log("wikisync");\n'.repeat(400));
  writeFileSync(join(dist, 'assets', 'logo-1.png'), randomBytes(8 * 1024));
  afterAll(() => rmSync(dist, { recursive: true, force: true }));
  return dist;
}

describe('response compression', () => {
  const t = useTestApp('pglite', { webDistDir: webDist() });
  const get = (path: string, headers: Record<string, string> = {}) =>
    t.app.request(path, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...headers } });

  it('gzips JSON for clients that accept it, and only for them', async () => {
    const zipped = await get('/api/openapi.json', { 'accept-encoding': 'gzip, deflate' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
    const raw = Buffer.from(await zipped.arrayBuffer());
    const plain = await get('/api/openapi.json');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const text = await plain.text();
    expect(gunzipSync(raw).toString('utf8')).toBe(text);
    expect(raw.length).toBeLessThan(text.length / 3);
  });

  it('sends a small answer as it is, with its length, whatever the client accepts', async () => {
    const server = await listen(t.app.fetch);
    try {
      const small = await fetch(`${server.url}/api/v1/sync/status`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'accept-encoding': 'gzip, deflate' },
      });
      expect(small.status).toBe(200);
      const text = await small.text();
      expect(text.length).toBeLessThan(COMPRESSION_THRESHOLD);
      expect(small.headers.get('content-encoding')).toBeNull();
      expect(small.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      expect(JSON.parse(text)).toHaveProperty('data');
    } finally {
      await server.close();
    }
  });

  it('deflates for a client that takes deflate only, and honours q=0', async () => {
    const deflated = await get('/api/openapi.json', { 'accept-encoding': 'gzip;q=0, deflate' });
    expect(deflated.headers.get('content-encoding')).toBe('deflate');
    const none = await get('/api/openapi.json', { 'accept-encoding': 'gzip;q=0, deflate;q=0' });
    expect(none.headers.get('content-encoding')).toBeNull();
    expect(chooseEncoding('br, *;q=0.5')).toBe('gzip');
    expect(chooseEncoding('identity')).toBeUndefined();
    expect(chooseEncoding('deflate;q=0.9, gzip;q=0.5')).toBe('deflate');
  });

  it('gzips the web app and its scripts, but not pictures', async () => {
    const script = await get('/assets/app-1.js', { 'accept-encoding': 'gzip' });
    expect(script.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await script.arrayBuffer())).toString()).toContain('console.log');
    expect((await get('/repo/1', { 'accept-encoding': 'gzip' })).headers.get('content-encoding')).toBe(
      'gzip',
    );
    const picture = await get('/assets/logo-1.png', { 'accept-encoding': 'gzip' });
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-encoding')).toBeNull();
    expect((await picture.arrayBuffer()).byteLength).toBe(8 * 1024);
  });

  it('never compresses the change stream, whose events must arrive at once', async () => {
    const server = await listen(t.app.fetch);
    const controller = new AbortController();
    try {
      const response = await fetch(`${server.url}/api/v1/sync/stream`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'accept-encoding': 'gzip' },
        signal: controller.signal,
      });
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      expect(response.headers.get('content-encoding')).toBeNull();
      const ready = new Promise<string | undefined>((resolve) => {
        readSseMessages(response, (message) => resolve(message.event)).catch(() => {});
      });
      expect(await ready).toBe('ready');
    } finally {
      controller.abort();
      await server.close();
    }
  });
});
