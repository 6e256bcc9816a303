import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Principal } from './auth/principal.js';

/** What every route can reach: the database and the configuration. */
export interface AppDeps {
  db: Database;
  config: Config;
}

/** Hono's environment type for this app: `c.get('principal')` after the auth middleware. */
export interface AppEnv {
  Variables: {
    principal: Principal;
  };
}
