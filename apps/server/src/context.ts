import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Principal } from './auth/principal.js';
import type { Logger } from './ops/logger.js';
import type { AppMetrics } from './ops/metrics.js';

/** What every route can reach: the database and the configuration. */
export interface AppDeps {
  db: Database;
  config: Config;
  /** Where request and error lines go; default: the process logger at LOG_LEVEL. */
  logger?: Logger;
  /** Set by `createApp`: the app's own metrics registry, for routes that count what they do. */
  metrics?: AppMetrics;
}

/** Hono's environment type for this app: `c.get('principal')` after the auth middleware. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    /** The request's id (`hono/request-id`), on every line logged for it. */
    requestId: string;
    /** The app's logger bound to this request's id. */
    logger: Logger;
  };
}
