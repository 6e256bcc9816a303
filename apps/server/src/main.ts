// wikisync server entry: read configuration, open and migrate the database, serve HTTP.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadConfig } from './config.js';
import { openDatabase } from './db/open-database.js';
import { createApp } from './app.js';
import { ConfigError } from './errors.js';
import { instanceSyncOf } from './instance-sync/index.js';
import { createLogger, processLogger, setProcessLogger } from './ops/logger.js';
import { metricsOf, metricsResponse } from './ops/metrics.js';

const SHUTDOWN_GRACE_MS = 5_000;

/** The web app built next to this package (`apps/web/dist`), when the caller names none. */
function defaultWebDist(): string | undefined {
  const candidate = fileURLToPath(new URL('../../web/dist', import.meta.url));
  return existsSync(candidate) ? candidate : undefined;
}

async function main() {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  setProcessLogger(logger);
  config.webDistDir ??= defaultWebDist();
  const db = await openDatabase(config, `the server on port ${config.port}`);
  const app = await createApp({ db, config, logger });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const where = config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`;
    logger.info(
      { port: info.port, database: db.kind },
      `listening on http://localhost:${info.port} (${where})`,
    );
    if (!config.webDistDir) logger.warn('web app not built; run `pnpm build` to serve it at /');
    if (!config.adminToken && !config.adminPassword) {
      logger.info(
        'to sign in as "admin" with a password, start with ADMIN_PASSWORD=<at least 8 characters> ' +
          '(or stop the server and run `npm run cli -- user password admin`); scripts use tokens from ' +
          '`npm run cli -- token create <user>`',
      );
    }
  });
  const failed = (port: number, variable: string) => (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
      const why = error.code === 'EADDRINUSE' ? 'is already in use' : 'may not be opened by this user';
      logger.fatal(`port ${port} ${why}; stop what holds it, or start with ${variable}=<another port>.`);
    } else {
      logger.fatal({ err: error }, 'the HTTP server failed');
    }
    process.exit(1);
  };
  server.on('error', failed(config.port, 'PORT'));
  // Metrics without a token, on a port of their own that only a scraper should reach.
  const metrics = metricsOf(app);
  const metricsApp = metrics && new Hono().get('/metrics', () => metricsResponse(metrics));
  const metricsServer =
    config.metricsPort && metricsApp
      ? serve({ fetch: metricsApp.fetch, port: config.metricsPort, hostname: config.host }, (info) =>
          logger.info({ port: info.port }, `metrics on http://localhost:${info.port}/metrics`),
        )
      : undefined;
  metricsServer?.on('error', failed(config.metricsPort ?? 0, 'METRICS_PORT'));
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    // New connections are refused at once; requests in flight get SHUTDOWN_GRACE_MS to
    // finish, then the rest (live streams, whose clients reconnect elsewhere) are cut.
    logger.info('stopping: finishing requests in flight');
    metricsServer?.close();
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
    processLogger().fatal(error.message);
  } else {
    processLogger().fatal({ err: error }, 'failed to start');
  }
  process.exit(1);
});
