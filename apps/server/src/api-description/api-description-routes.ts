// GET /api/openapi.json and GET /api/docs. Both are public: they describe the API and hold
// no data (the same contract PROTOCOL.md publishes), a person setting up a client or an
// openDeepWiki peer reads them before having a token, and the document is built from code
// alone, so it shows every caller the same thing. Built once, on first request.
import { Hono } from 'hono';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document.js';
import { DOCS_PAGE_CSP, renderDocsPage } from './docs-page.js';

export function apiDescriptionRoutes() {
  let document: OpenApiDocument | undefined;
  let page: string | undefined;
  const described = () => (document ??= buildOpenApiDocument());
  return new Hono()
    .get('/openapi.json', (c) => c.json(described()))
    .get('/docs', (c) => {
      page ??= renderDocsPage(described());
      c.header('Content-Security-Policy', DOCS_PAGE_CSP);
      return c.html(page);
    });
}
