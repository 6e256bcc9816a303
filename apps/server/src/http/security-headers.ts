// Response headers that make the browser refuse what the app never does. Every answer gets
// `nosniff`, so a JSON body or an uploaded text can never be run as a script or a stylesheet.
// Pages of the web app get a Content-Security-Policy that the built app passes as it is (no
// inline script, no inline style, no eval): if a sanitiser ever lets markup through, the
// browser still runs no script of it, sends no data elsewhere and cannot be framed.
// Test: test/security/xss-and-headers.test.ts.
import type { MiddlewareHandler } from 'hono';

/**
 * `img-src` allows any http(s) image because a document may show pictures from other hosts
 * once its reader asks for them; the markdown renderer (render-markdown.ts) holds external
 * images back until then. Everything else is this origin only.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https: http:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** An API answer is data, never a page: if one is opened as a document it may load nothing. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    if (!c.res.headers.has('Content-Security-Policy')) c.res.headers.set('Content-Security-Policy', API_CSP);
  };
}

const isApiPath = (path: string) =>
  path === '/api' || path.startsWith('/api/') || path === '/health' || path === '/ready';

/** For the web app's own files: the page, its assets and the service worker. */
export function webAppPolicy(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!isApiPath(c.req.path)) c.res.headers.set('Content-Security-Policy', WEB_APP_CSP);
  };
}
