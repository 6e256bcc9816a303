// Prometheus metrics of one app (prom-client), served at GET /metrics. Each app has its own
// registry: prom-client's default registry is global, and tests build many apps in one process.
//
// Labels stay bounded: requests are labelled by the route pattern Hono matched
// (`/api/tasks/:id`), never by the raw path, and a request no route answers is `unmatched`.
// The database pool is reported only as far as the driver tells: postgres.js exposes no count
// of busy connections, so only the configured maximum is given, and nothing for the embedded
// database, which has one connection inside the process.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SYNC_SESSION_STATUSES } from '@wikisync/shared';
import type { Database } from '../db/database.js';
import type { Config } from '../config.js';
import type { AppEnv } from '../context.js';
import { ForbiddenError } from '../errors.js';

export interface AppMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  openStreams: Gauge;
  rowsPushed: Counter;
  rowsPulled: Counter;
}

export function createMetrics(db: Database, config: Config): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  const metrics: AppMetrics = {
    registry,
    httpRequests: new Counter({
      name: 'wikisync_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'wikisync_http_request_duration_seconds',
      help: 'Time to the response head (for the change stream: until it opened), by route pattern.',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    openStreams: new Gauge({
      name: 'wikisync_replication_open_streams',
      help: 'Open change streams (GET /api/v1/sync/stream).',
      registers,
    }),
    rowsPushed: new Counter({
      name: 'wikisync_replication_rows_pushed_total',
      help: 'Rows browsers sent in pushes (POST /api/v1/sync/push), conflicts included.',
      registers,
    }),
    rowsPulled: new Counter({
      name: 'wikisync_replication_rows_pulled_total',
      help: 'Rows served to browsers by the changes feed (GET /api/v1/sync/changes).',
      registers,
    }),
  };
  new Gauge({
    name: 'wikisync_instance_sync_sessions',
    help: 'Instance-sync sessions kept in the history, by status.',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const rows = await db.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM sync_sessions GROUP BY status',
      );
      for (const status of SYNC_SESSION_STATUSES)
        this.set({ status }, rows.find((row) => row.status === status)?.n ?? 0);
    },
  });
  if (db.kind === 'postgres') {
    new Gauge({
      name: 'wikisync_db_pool_max_connections',
      help: 'Connections the PostgreSQL pool may open (DATABASE_POOL_SIZE).',
      registers,
    }).set(config.databasePoolSize);
  }
  return metrics;
}

/**
 * The pattern of the route that answered. Hono leaves `routeIndex` at the last handler that
 * ran: the route's own handler, or a middleware that ended the request (auth refusing a
 * token), in which case the route it guarded is named. Not the last matched route: the web
 * app's fallback (`GET *`) matches every path.
 */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  const answered = routes.slice(Math.max(0, c.req.routeIndex)).find((route) => route.method !== 'ALL');
  const path = answered?.path ?? 'unmatched';
  // A 404 that fell through to a catch-all is not a route of its own.
  return c.res.status === 404 && (path === '*' || path === '/*') ? 'unmatched' : path;
}

/** Counts and times every request; placed outermost, so errors and 404s are counted too. */
export function httpMetrics(metrics: AppMetrics): MiddlewareHandler {
  return async (c, next) => {
    const stop = metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route = routeLabel(c);
      stop({ method: c.req.method, route });
      metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    }
  };
}

/** The Prometheus text exposition of `metrics`. */
export async function metricsResponse(metrics: AppMetrics): Promise<Response> {
  return new Response(await metrics.registry.metrics(), {
    headers: { 'content-type': metrics.registry.contentType },
  });
}

/**
 * GET /metrics on the main port: admins only. The figures name routes, stream and session
 * counts and traffic volumes, which an outsider has no business reading; a scraper gets a
 * token of an admin user, or reads them on METRICS_PORT (main.ts), which serves nothing else
 * and belongs on a private network.
 */
export function metricsRoutes(metrics: AppMetrics, auth: MiddlewareHandler<AppEnv>) {
  return new Hono<AppEnv>().get('/', auth, async (c) => {
    if (!c.get('principal').isAdmin)
      throw new ForbiddenError('Only an admin may read /metrics; use an admin token or METRICS_PORT.');
    return metricsResponse(metrics);
  });
}

const registry = new WeakMap<object, AppMetrics>();

/** Remembers the metrics of an app, so `main.ts` can serve them on METRICS_PORT too. */
export function registerMetrics(app: object, metrics: AppMetrics): void {
  registry.set(app, metrics);
}

export function metricsOf(app: object): AppMetrics | undefined {
  return registry.get(app);
}
