// wikisync server entry: read configuration, open and migrate the database, serve HTTP.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { loadConfig } from './config.js';
import { openDatabase } from './db/open-database.js';
import { createApp } from './app.js';
import { ConfigError } from './errors.js';
import { instanceSyncOf } from './instance-sync/index.js';

const SHUTDOWN_GRACE_MS = 5_000;

/** The web app built next to this package (`apps/web/dist`), when the caller names none. */
function defaultWebDist(): string | undefined {
  const candidate = fileURLToPath(new URL('../../web/dist', import.meta.url));
  return existsSync(candidate) ? candidate : undefined;
}

async function main() {
  const config = loadConfig();
  config.webDistDir ??= defaultWebDist();
  const db = await openDatabase(config, `the server on port ${config.port}`);
  const app = await createApp({ db, config });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const where = config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`;
    console.log(`[wikisync] listening on http://localhost:${info.port} (${where})`);
    if (!config.webDistDir) console.log('[wikisync] web app not built; run `pnpm build` to serve it at /');
    if (!config.adminToken && !config.adminPassword) {
      console.log(
        '[wikisync] to sign in as "admin" with a password, start with ADMIN_PASSWORD=<at least 8 characters> ' +
          '(or stop the server and run `npm run cli -- user password admin`); scripts use tokens from ' +
          '`npm run cli -- token create <user>`',
      );
    }
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
      const why = error.code === 'EADDRINUSE' ? 'is already in use' : 'may not be opened by this user';
      console.error(
        `[wikisync] port ${config.port} ${why}; stop what holds it, or start with PORT=<another port>.`,
      );
    } else {
      console.error('[wikisync] the HTTP server failed:', error.message);
    }
    process.exit(1);
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    // New connections are refused at once; requests in flight get SHUTDOWN_GRACE_MS to
    // finish, then the rest (live streams, whose clients reconnect elsewhere) are cut.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    const httpServer = server as unknown as {
      closeIdleConnections?: () => void;
      closeAllConnections?: () => void;
    };
    httpServer.closeIdleConnections?.();
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
    httpServer.closeAllConnections?.();
    await instanceSyncOf(app)
      ?.stop()
      .catch(() => {});
    await db.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`[wikisync] ${error.message}`);
  } else {
    console.error('[wikisync] failed to start:', error);
  }
  process.exit(1);
});
