// Serves the built web app at `/`, with an SPA fallback: any GET that is not an API path
// and not a file answers index.html, so deep links like /repo/1/doc/2 load the app.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from '../context.js';
import { webAppPolicy } from './security-headers.js';

export function mountWebApp(app: Hono<AppEnv>, distDir: string): boolean {
  const indexPath = join(distDir, 'index.html');
  if (!existsSync(indexPath)) return false;
  const indexHtml = readFileSync(indexPath, 'utf8');
  app.use('*', webAppPolicy());
  // Vite puts a content hash in every asset name, so an asset never changes under its name.
  app.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
  });
  // The service worker must be checked on every load, or a new release would wait for it.
  app.use('/sw.js', async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'no-cache');
  });
  app.use('*', serveStatic({ root: distDir }));
  app.get('*', (c, next) => {
    const path = c.req.path;
    if (path.startsWith('/api/') || path === '/api' || path === '/health' || path === '/ready') return next();
    c.header('Cache-Control', 'no-cache');
    return c.html(indexHtml);
  });
  return true;
}
