// GET /metrics on the main port: admins only. The figures name routes, stream and session
// counts and traffic volumes, which an outsider has no business reading; a scraper gets a
// token of an admin user, or reads them on METRICS_PORT (main.ts), which serves nothing else
// and belongs on a private network.
import { Hono, type MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { ForbiddenError } from '../errors.js';
import { metricsResponse, type AppMetrics } from './metrics.js';

export function metricsRoutes(metrics: AppMetrics, auth: MiddlewareHandler<AppEnv>) {
  return new Hono<AppEnv>().get('/', auth, async (c) => {
    if (!c.get('principal').isAdmin)
      throw new ForbiddenError('Only an admin may read /metrics; use an admin token or METRICS_PORT.');
    return metricsResponse(metrics);
  });
}
