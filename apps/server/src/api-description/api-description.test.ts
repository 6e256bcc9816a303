import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../testing/test-app.js';
import { API_ENDPOINTS } from './api-endpoints.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document.js';
import { escapeHtml } from './docs-page.js';

describe('the API description', () => {
  const t = useTestApp('pglite');

  it('describes exactly the routes the app has', () => {
    const routes = new Set(
      t.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`),
    );
    const described = new Set(API_ENDPOINTS.map((endpoint) => `${endpoint.method} ${endpoint.path}`));
    expect(
      [...routes].filter((route) => !described.has(route)),
      'routes missing from the description',
    ).toEqual([]);
    expect(
      [...described].filter((route) => !routes.has(route)),
      'described routes the app lacks',
    ).toEqual([]);
    expect(described.size).toBe(API_ENDPOINTS.length);
  });

  it("serves an OpenAPI 3.1 document without a token, with bearer security and the routes' schemas", async () => {
    const response = await t.request('GET', '/api/openapi.json', { token: null });
    expect(response.status).toBe(200);
    const document = (await jsonOf(response)) as OpenApiDocument;
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));

    const create = document.paths['/api/repositories']!.post!;
    expect(create.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(create.responses)).toContain('201');
    const body = create.requestBody!.content['application/json']!.schema;
    expect(body).toMatchObject({ type: 'object', required: ['name'], additionalProperties: false });
    // The document and the route agree: what it marks required, the route refuses without.
    const refused = await jsonOf(
      await t.request('POST', '/api/repositories', { body: { description: 'x' } }),
    );
    expect(refused.error).toMatch(/name/);

    expect(document.paths['/api/tasks/{id}']!.get!.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    const changes = document.paths['/api/v1/sync/changes']!.get!.parameters.map((p) => p.name);
    expect(changes).toEqual(expect.arrayContaining(['collection', 'limit']));
    expect(document.paths['/api/sync/batch-upsert']!.post!.security).toEqual([{ bearerAuth: [] }, {}]);
    expect(document.paths['/health']!.get!.security).toEqual([]);
    // Every $ref points at something the document holds.
    for (const [, name] of JSON.stringify(document).matchAll(/"#\/components\/schemas\/([^"]+)"/g))
      expect(document.components.schemas[name!], name).toBeDefined();
  });

  it('serves a self-contained docs page that lists every endpoint', async () => {
    const response = await t.request('GET', '/api/docs', { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|https?:/);
    const html = await response.text();
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!localhost)/);
    // The one inline stylesheet is allowed by its hash, so the browser applies it.
    const style = /<style>([^<]*)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    for (const endpoint of API_ENDPOINTS) {
      const path = endpoint.path.replace(/:(\w+)/g, '{$1}');
      expect(html, `${endpoint.method} ${path}`).toContain(
        `${endpoint.method}</span> <code>${escapeHtml(path)}</code>`,
      );
      expect(html).toContain(escapeHtml(endpoint.summary));
    }
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
  });
});
