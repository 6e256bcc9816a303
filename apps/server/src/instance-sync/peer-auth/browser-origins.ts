// openDeepWiki's pull page lists a peer's repositories and documents from the user's browser
// (PROTOCOL.md, openDeepWiki's wire, 9): cross-origin, with no token. An operator who wants
// to be pulled from such a page names its origin in SYNC_CORS_ORIGINS; those two read-only
// endpoints then answer it with CORS headers and without a token. Nothing else does: every
// other endpoint, and every other origin, is as before. An Origin header proves nothing
// outside a browser, so what these two endpoints show becomes readable to anyone who can
// reach the server: repository names and document titles, never contents.
import type { Context, MiddlewareHandler } from 'hono';
import type { SyncEnv } from './sync-caller.js';

/** The endpoints an allowed origin may call without a token. */
export const BROWSER_LISTS = new Set(['/repository-list', '/document-list']);

/** The path below /api/sync, e.g. "/repository-list". */
export function syncEndpoint(c: Context): string {
  const path = c.req.path;
  const at = path.indexOf('/api/sync');
  return at < 0 ? path : path.slice(at + '/api/sync'.length) || '/';
}

/** The request's Origin when it is one the operator allowed for the browser lists. */
export function allowedBrowserOrigin(c: Context, origins: readonly string[]): string | undefined {
  const origin = c.req.header('origin');
  if (!origin || !origins.includes(origin)) return undefined;
  return BROWSER_LISTS.has(syncEndpoint(c)) ? origin : undefined;
}

/** CORS for the browser lists: answers preflights, and marks answers to allowed origins. */
export function browserListCors(origins: readonly string[]): MiddlewareHandler<SyncEnv> {
  return async (c, next) => {
    const origin = allowedBrowserOrigin(c, origins);
    if (!origin) return next();
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Vary', 'Origin');
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', 'GET, OPTIONS');
      c.header('Access-Control-Allow-Headers', 'Content-Type');
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    }
    await next();
  };
}
