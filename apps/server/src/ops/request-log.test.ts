import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';
import { createLogger } from './logger.js';

/** A logger writing JSON lines into an array, as a log collector would read stdout. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', pretty: false, destination }) };
}

describe.each(testDatabaseKinds())('request logs on %s', (kind) => {
  const { lines, logger } = capturedLogger();
  const t = useTestApp(kind, {}, logger);
  const accessLines = () => lines.filter((line) => line.msg === 'request');

  it('writes one line per request: id, method, path, status, duration and user', async () => {
    lines.length = 0;
    const response = await t.request('GET', '/api/me');
    expect(response.status).toBe(200);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(accessLines()).toEqual([
      expect.objectContaining({
        level: 30,
        req_id: id,
        method: 'GET',
        path: '/api/me',
        status: 200,
        duration_ms: expect.any(Number),
        user: { id: expect.any(Number), name: 'admin' },
      }),
    ]);
  });

  it('keeps a short safe incoming X-Request-Id and replaces any other', async () => {
    lines.length = 0;
    const send = async (id: string) =>
      (await t.app.request('/health', { headers: { 'x-request-id': id } })).headers.get('x-request-id');
    expect(await send('proxy-abc_123')).toBe('proxy-abc_123');
    const injected = await send('a b", "msg": "forged');
    const long = await send('x'.repeat(65));
    expect(injected).toMatch(/^[0-9a-f-]{36}$/);
    expect(long).toMatch(/^[0-9a-f-]{36}$/);
    expect(accessLines().map((line) => line.req_id)).toEqual(['proxy-abc_123', injected, long]);
  });

  it('logs no token: not from the header, not from a query string, not on failure', async () => {
    lines.length = 0;
    const secret = `wst_${'9'.repeat(40)}`;
    await t.app.request(`/api/repositories?token=${secret}&access_token=${secret}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    await t.app.request('/api/repositories', {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: secret, url: 42 }),
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(TEST_ADMIN_TOKEN);
    expect(accessLines().map((line) => [line.path, line.status])).toEqual([
      ['/api/repositories', 401],
      ['/api/repositories', 400],
    ]);
    // A refused caller is not a user yet.
    expect(accessLines()[0]!.user).toBeUndefined();
  });

  it('censors secret-looking fields should anything log them', () => {
    lines.length = 0;
    logger.info({ token: 'a-token', body: { signing_secret: 'a-secret', password: 'pw' } }, 'careless');
    expect(JSON.stringify(lines)).not.toMatch(/a-token|a-secret|"pw"/);
    expect(lines[0]).toMatchObject({ token: '[redacted]' });
  });
});
