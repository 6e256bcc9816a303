// The peer client checks every answer against its endpoint in SYNC_ENDPOINTS: callers get
// typed data or a PeerRequestError that names the endpoint and what was wrong, never a
// half-read answer. On the wire (peer-http.ts): compressed answers decoded, oversized ones cut
// off, and a body sent in parts arriving whole, with its length and signature.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { listen } from '../../testing/test-app.js';
import { PeerRequestError } from '../../errors.js';
import { createPeerClient, type PeerClient } from './peer-client.js';
import { gzipSync } from 'node:zlib';
import { encodeCopyHeader, PG_TEXT_FORMAT, type CopyUpsertHeader } from '@wikisync/shared';
import { verifySignature } from '../peer-auth/request-signing.js';

describe('the peer client', () => {
  const calls: string[] = [];
  let server: Awaited<ReturnType<typeof listen>>;
  let client: PeerClient;

  beforeAll(async () => {
    const peer = new Hono().all('/api/sync/*', (c) => {
      calls.push(`${c.req.method} ${c.req.path.replace('/api/sync', '')}${new URL(c.req.url).search}`);
      const endpoint = c.req.path.replace('/api/sync/', '');
      // openDeepWiki's ping: no data at all.
      if (endpoint === 'ping') return c.json({ code: 'OK' });
      if (endpoint === 'repository-list')
        return c.json({ code: 'OK', data: [{ repository_id: '7', name: 'wiki', extra: true }] });
      if (endpoint === 'document-list') return c.json({ code: 'OK', data: [] });
      // A task-create answer without the receiver's task id: the sender could not go on.
      return c.json({ code: 'OK', data: { repository_id: 7, title: 'no id' } });
    });
    server = await listen(peer.fetch);
    client = createPeerClient({
      baseUrl: `${server.url}/api/sync`,
      token: null,
      signingSecret: null,
      instanceUid: 'peer-client-test',
      timeoutMs: 2000,
      retryBaseMs: 1,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("returns the answer's data as its endpoint's schema reads it", async () => {
    expect(await client.call('repository-list')).toEqual([{ repository_id: 7, name: 'wiki' }]);
    expect(await client.call('ping')).toEqual({});
    expect(await client.call('document-list', { repository_id: 7 })).toEqual([]);
    expect(calls).toContain('GET /document-list?repository_id=7');
  });

  it('turns an answer that does not fit into a peer error naming the endpoint and the field', async () => {
    calls.length = 0;
    const failure = await client.call('task-create', { repository_id: 7, title: 'one' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PeerRequestError);
    expect(failure).toMatchObject({ code: 'BAD_GATEWAY', status: 200, retryable: false });
    expect((failure as Error).message).toMatch(/answered POST \/task-create with data .*task_id/);
    // A wrong answer does not get better by asking again.
    expect(calls).toEqual(['POST /task-create']);
  });
});

describe('the peer client on the wire', () => {
  const secret = 'wire-test-signing-secret';
  let server: Awaited<ReturnType<typeof listen>>;
  let received: { length: string | undefined; body: Buffer; signature: ReturnType<typeof verifySignature> }[];

  beforeAll(async () => {
    received = [];
    const peer = new Hono().all('/api/sync/*', async (c) => {
      const endpoint = c.req.path.replace('/api/sync/', '');
      if (endpoint === 'repository-list') {
        // A large answer, compressed the way a peer with gzip middleware sends it.
        const rows = Array.from({ length: 2000 }, (_, i) => ({ repository_id: i + 1, name: `wiki ${i}` }));
        return new Response(gzipSync(JSON.stringify({ code: 'OK', data: rows })), {
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        });
      }
      const body = Buffer.from(await c.req.arrayBuffer());
      received.push({
        length: c.req.header('content-length'),
        body,
        signature: verifySignature(secret, {
          method: c.req.method,
          path: c.req.path,
          body,
          headers: (name) => c.req.header(name),
        }),
      });
      return c.json({ code: 'OK', data: { repository_id: 1, tasks: [], documents: [] } });
    });
    server = await listen(peer.fetch);
  });
  afterAll(async () => {
    await server.close();
  });

  const clientWith = (options: Partial<Parameters<typeof createPeerClient>[0]> = {}) =>
    createPeerClient({
      baseUrl: `${server.url}/api/sync`,
      token: null,
      signingSecret: null,
      instanceUid: 'peer-client-wire-test',
      timeoutMs: 2000,
      retryBaseMs: 1,
      ...options,
    });

  it('asks for compressed answers, or for answers as they are when told to', async () => {
    const asked: (string | undefined)[] = [];
    const peer = await listen((request) => {
      asked.push(request.headers.get('accept-encoding') ?? undefined);
      return Response.json({ code: 'OK', data: [] });
    });
    try {
      const at = (acceptCompressed?: boolean) =>
        createPeerClient({
          baseUrl: `${peer.url}/api/sync`,
          token: null,
          signingSecret: null,
          instanceUid: 'peer-client-encoding-test',
          timeoutMs: 2000,
          retryBaseMs: 1,
          ...(acceptCompressed === undefined ? {} : { acceptCompressed }),
        }).call('repository-list');
      await at();
      await at(true);
      await at(false);
      expect(asked).toEqual(['gzip, deflate', 'gzip, deflate', 'identity']);
    } finally {
      await peer.close();
    }
  });

  it('reads a gzip answer decoded, and cuts off one larger than it reads', async () => {
    const rows = await clientWith().call('repository-list');
    expect(rows).toHaveLength(2000);
    expect(rows[1999]).toEqual({ repository_id: 2000, name: 'wiki 1999' });
    const cut = await clientWith({ maxResponseBytes: 10_000 })
      .call('repository-list')
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(cut).toBeInstanceOf(PeerRequestError);
    expect((cut as Error).message).toMatch(/grew past the 10000 bytes this server reads; it was cut off/);
  });

  it('sends a copy body as its header line and COPY text, whole, with its length declared and signed', async () => {
    received.length = 0;
    // In the parts the database answered (one per row there), sent as they are.
    const text = Buffer.from('1\tuid-1\t\\N\tf\n'.repeat(50_000));
    const data = [text.subarray(0, 14), text.subarray(14, 70_000), text.subarray(70_000)];
    const header: CopyUpsertHeader = {
      format: PG_TEXT_FORMAT,
      repository_id: 1,
      entity: 'documents',
      columns: ['document_id'],
    };
    await clientWith({ signingSecret: secret }).call('copy-upsert', { header, lines: [], data });
    const [request] = received;
    const headerLine = `${encodeCopyHeader(header)}\n`;
    expect(request!.length).toBe(String(Buffer.byteLength(headerLine) + text.byteLength));
    expect(request!.body.equals(Buffer.concat([Buffer.from(headerLine), text]))).toBe(true);
    expect(request!.signature.ok).toBe(true);
  });
});
