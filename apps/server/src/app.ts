// Builds the Hono app from its parts. Routes are thin: they validate with the shared zod
// schemas and call plain functions; `http/error-handler.ts` is the only place errors meet HTTP.
import { Hono } from 'hono';
import { ok, PROTOCOL_VERSION, type Health } from '@wikisync/shared';
import type { AppDeps, AppEnv } from './context.js';
import { ensureBootstrapAdmin } from './auth/user-store.js';
import { adminRoutes } from './auth/admin-routes.js';
import { signInRoutes, signOutRoutes } from './auth/auth-routes.js';
import { applyAdminPassword } from './auth/sessions.js';
import { bearerAuth } from './http/auth-middleware.js';
import { AuthFailureLimiter } from './http/auth-failure-limiter.js';
import { handleError, notFoundResponse } from './http/error-handler.js';
import { mountWebApp } from './http/static-web.js';
import { securityHeaders } from './http/security-headers.js';
import { PayloadTooLargeError, ServiceUnavailableError } from './errors.js';
import { pendingMigrations } from './db/migrate.js';
import { MIGRATIONS } from './db/migrations/index.js';
import { repositoryRoutes } from './repositories/repository-routes.js';
import { taskRoutes } from './tasks/task-routes.js';
import { documentRoutes } from './documents/document-routes.js';
import { createInstanceSync, registerInstanceSync, secretBoxFor } from './instance-sync/index.js';
import { syncRoutes } from './replication/sync-routes.js';
import { processLogger } from './ops/logger.js';
import { requestIds, requestLog } from './ops/request-log.js';
import { createMetrics, httpMetrics, metricsRoutes, registerMetrics } from './ops/metrics.js';
import { responseCompression } from './ops/compression.js';
import { requestBodyLimit } from './http/body-limit.js';
import { apiDescriptionRoutes } from './api-description/api-description-routes.js';

export async function createApp(deps: AppDeps): Promise<Hono<AppEnv>> {
  const { db, config } = deps;
  const admin = config.adminToken
    ? { token: config.adminToken, principal: await ensureBootstrapAdmin(db) }
    : undefined;
  if (config.adminPassword) await applyAdminPassword(db, config.adminPassword);

  const logger = deps.logger ?? processLogger();
  const metrics = createMetrics(db, config);
  const routeDeps = { ...deps, metrics };

  const app = new Hono<AppEnv>();
  registerMetrics(app, metrics);
  app.onError(handleError);
  app.notFound(notFoundResponse);
  // Outermost first: every answer, errors and 404s included, has an id, a log line and a count.
  app.use('*', requestIds(), requestLog(logger), httpMetrics(metrics));
  app.use('*', responseCompression());
  app.use('*', securityHeaders());

  app.get('/health', async (c) => {
    await db.query('SELECT 1');
    const health: Health = {
      status: 'ok',
      database: db.kind,
      protocol_version: PROTOCOL_VERSION,
      server_time: new Date().toISOString(),
    };
    return c.json(ok(health));
  });

  // Readiness for a load balancer or orchestrator: the database answers and every migration
  // this code needs is applied. /health only says the process is up.
  app.get('/ready', async (c) => {
    const pending = await pendingMigrations(db).catch((error: Error) => {
      throw new ServiceUnavailableError(`The database does not answer (${error.message}); retry shortly.`, 5);
    });
    if (pending.length > 0)
      throw new ServiceUnavailableError(
        `Migrations not applied yet: ${pending.join(', ')}; retry shortly.`,
        5,
      );
    return c.json(ok({ status: 'ready', database: db.kind, migrations: MIGRATIONS.at(-1)?.version ?? 0 }));
  });

  // One failure count per address for both APIs: a guesser cannot double its rate by
  // alternating between them.
  const limiter = new AuthFailureLimiter();
  const { trustProxy } = config;
  const auth = bearerAuth({ db, admin, limiter, trustProxy });
  app.route('/metrics', metricsRoutes(metrics, auth));

  // Instance sync has its own authentication (peer tokens, signing, tokenless peers), so it is
  // mounted before /api and its bearer middleware; it counts its refused credentials in the
  // same limiter.
  const instanceSync = createInstanceSync({ db, config, admin, limiter });
  await instanceSync.start();
  registerInstanceSync(app, instanceSync);
  app.route('/api/sync', instanceSync.routes);

  // Password sign-in is public; its body is a name and a password, so a small limit suffices.
  app.use(
    '/api/auth/sign-in',
    requestBodyLimit(16 * 1024, () => {
      throw new PayloadTooLargeError(16 * 1024);
    }),
  );
  app.route('/api/auth', signInRoutes(db, trustProxy));

  const api = new Hono<AppEnv>();
  api.use(
    '*',
    requestBodyLimit(config.maxBodyBytes, () => {
      throw new PayloadTooLargeError(config.maxBodyBytes);
    }),
  );
  app.route('/api', apiDescriptionRoutes());
  api.use('*', auth);
  api.get('/me', (c) => {
    const principal = c.get('principal');
    return c.json(ok({ id: principal.userId, name: principal.userName, is_admin: principal.isAdmin }));
  });
  api.route('/auth', signOutRoutes(db));
  api.route('/admin', adminRoutes(db, secretBoxFor(config)));
  api.route('/repositories', repositoryRoutes(deps));
  api.route('/tasks', taskRoutes(deps));
  api.route('/documents', documentRoutes(deps));
  api.route('/v1/sync', syncRoutes(routeDeps));
  app.route('/api', api);

  if (config.webDistDir) mountWebApp(app, config.webDistDir);
  return app;
}
