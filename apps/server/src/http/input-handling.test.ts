import { beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '@wikisync/shared';
import { request as httpRequest } from 'node:http';
import { jsonOf, listen, TEST_ADMIN_TOKEN, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';

describe.each(testDatabaseKinds())('bad input on %s', (kind) => {
  const t = useTestApp(kind, { maxBodyBytes: 64 * 1024 });
  let repositoryId: number;
  beforeAll(async () => {
    repositoryId = (await jsonOf(await t.request('POST', '/api/repositories', { body: { name: 'r' } }))).data
      .id;
  });

  async function expectError(response: Response, status: number, message: RegExp) {
    expect(response.status).toBe(status);
    const body = await jsonOf(response);
    expect(body.code).toMatch(/^[A-Z_]+$/);
    expect(body.error).toMatch(message);
  }

  it('explains malformed JSON', async () => {
    await expectError(
      await t.request('POST', '/api/repositories', { body: '{"name":' }),
      400,
      /not valid JSON/,
    );
    await expectError(await t.request('POST', '/api/repositories', { body: '' }), 400, /body is empty/);
  });

  it('names the field with a wrong type, a missing field and an unknown field', async () => {
    await expectError(
      await t.request('POST', '/api/repositories', { body: { name: 5 } }),
      400,
      /name: .*string/,
    );
    await expectError(
      await t.request('POST', '/api/tasks', { body: { repository_id: repositoryId } }),
      400,
      /title/,
    );
    await expectError(
      await t.request('POST', '/api/repositories', { body: { name: 'a', colour: 'red' } }),
      400,
      /colour/,
    );
    await expectError(
      await t.request('POST', '/api/repositories', { body: { name: 'a', status: 'done' } }),
      400,
      /status/,
    );
    await expectError(await t.request('POST', '/api/repositories', { body: [1, 2] }), 400, /object/);
  });

  it("sends the bad fields as data too, so a client can say them in its reader's language", async () => {
    const response = await t.request('POST', '/api/repositories', {
      body: { name: 'x'.repeat(1_001), status: 'done', colour: 'red' },
    });
    expect(response.status).toBe(400);
    const body = errorEnvelopeSchema.parse(await jsonOf(response));
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name', kind: 'too_big', unit: 'characters', limit: 1000 }),
        expect.objectContaining({
          path: 'status',
          kind: 'invalid_value',
          values: expect.arrayContaining(['ready']),
        }),
        expect.objectContaining({ path: '', kind: 'unrecognized_keys', values: ['colour'] }),
      ]),
    );
  });

  it('names which failure it is, with its values, where a person meets it in the UI', async () => {
    await t.request('POST', '/api/repositories', { body: { name: 'dup', uid: 'uid-taken-1' } });
    const again = await t.request('POST', '/api/repositories', { body: { name: 'dup', uid: 'uid-taken-1' } });
    expect(again.status).toBe(409);
    const body = errorEnvelopeSchema.parse(await jsonOf(again));
    expect(body).toMatchObject({
      reason: 'uid_exists',
      params: { collection: 'repository', uid: 'uid-taken-1' },
    });
    expect(body.error).toMatch(/already exists/);
  });

  it('refuses NUL characters, bad ids and numbers out of range', async () => {
    await expectError(
      await t.request('POST', '/api/repositories', { body: { name: 'a\u0000b' } }),
      400,
      /NUL/,
    );
    await expectError(await t.request('GET', '/api/tasks/abc'), 400, /positive integer/);
    await expectError(await t.request('GET', '/api/tasks/99999999999999999999'), 400, /positive integer/);
    await expectError(
      await t.request('POST', '/api/tasks', {
        body: { repository_id: repositoryId, title: 't', sort_order: 1e12 },
      }),
      400,
      /sort_order/,
    );
    await expectError(await t.request('GET', '/api/repositories?limit=-1'), 400, /limit/);
    await expectError(await t.request('GET', '/api/documents/123456'), 404, /Document 123456 was not found/);
  });

  it('answers 413 to a body over the limit and writes nothing', async () => {
    const huge = { name: 'big', description: 'x'.repeat(70 * 1024) };
    const response = await t.request('POST', '/api/repositories', { body: huge });
    // The unread rest of the body is on the connection: a client must not send on it again.
    expect(response.headers.get('connection')).toBe('close');
    await expectError(response, 413, /larger than/);
    expect(await t.database.db.query("SELECT 1 FROM repositories WHERE name = 'big'")).toEqual([]);
  });

  it('holds a body to the limit over a real socket, with Content-Length and chunked', async () => {
    const server = await listen(t.app.fetch);
    // Sends `chunks` as one request, chunked when `declared` is false; resolves to the answer.
    const post = (name: string, chunks: string[], declared: boolean) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const body = JSON.stringify({ name, description: chunks.join('') });
        const request = httpRequest(`${server.url}/api/repositories`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
            'content-type': 'application/json',
            ...(declared ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          },
        });
        request.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        request.on('error', reject);
        if (declared) request.end(body);
        else {
          // Ten writes: the server sees a chunked body of unknown length.
          const step = Math.ceil(body.length / 10);
          for (let at = 0; at < body.length; at += step) request.write(body.slice(at, at + step));
          request.end();
        }
      });
    try {
      const big = ['y'.repeat(70 * 1024)];
      for (const declared of [true, false]) {
        const refused = await post(`big-${declared}`, big, declared);
        expect(refused.status).toBe(413);
        expect(JSON.parse(refused.body).error).toMatch(/larger than/);
        const taken = await post(`small-${declared}`, ['z'.repeat(1024)], declared);
        expect(taken.status).toBe(201);
      }
      const names = await t.database.db.query<{ name: string }>(
        "SELECT name FROM repositories WHERE name LIKE 'big-%' OR name LIKE 'small-%' ORDER BY name",
      );
      expect(names.map((row) => row.name)).toEqual(['small-false', 'small-true']);
    } finally {
      await server.close();
    }
  });

  it('answers unknown endpoints with 404 in the envelope', async () => {
    await expectError(
      await t.request('GET', '/api/nothing-here'),
      404,
      /No endpoint GET \/api\/nothing-here; \/api\/docs on this server lists every endpoint/,
    );
  });

  it('answers /health without a token', async () => {
    const response = await t.request('GET', '/health', { token: null });
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).data).toMatchObject({ status: 'ok', database: kind });
  });

  it('answers /ready without a token once every migration is applied', async () => {
    const response = await t.request('GET', '/ready', { token: null });
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).data).toMatchObject({ status: 'ready', database: kind });
  });
});
