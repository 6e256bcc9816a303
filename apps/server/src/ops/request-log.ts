// One access-log line per request, and a request id on every line logged for it.
//
// The id comes from `hono/request-id`: an incoming X-Request-Id is kept (so a proxy's id
// joins our lines to its own) only when it is a short token of letters, digits, `_`, `-` and
// `=`; anything else is replaced by a fresh UUID, so a caller cannot write into our logs. The
// id is sent back in the X-Request-Id answer header, and an error message a user reports
// can then be found by it.
//
// The path is logged without its query string: a client that puts a token in a query
// parameter must not have it written to the log.
import type { Context, MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { AppEnv } from '../context.js';
import type { SyncCaller } from '../instance-sync/peer-auth/sync-caller.js';
import type { Logger } from './logger.js';

export const REQUEST_ID_MAX_LENGTH = 64;

export function requestIds(): MiddlewareHandler<AppEnv> {
  return requestId({ limitLength: REQUEST_ID_MAX_LENGTH });
}

/** Who made the request, once authentication has said so: a user, an admin or a sync peer. */
function userOf(c: Context<AppEnv>): { id?: number; name: string } | undefined {
  const principal = c.get('principal') as AppEnv['Variables']['principal'] | undefined;
  if (principal) return { id: principal.userId, name: principal.userName };
  const caller = (c.var as { syncCaller?: SyncCaller }).syncCaller;
  return caller ? { name: `${caller.kind}:${caller.name}` } : undefined;
}

export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const log = logger.child({ req_id: c.get('requestId') });
    c.set('logger', log);
    try {
      await next();
    } finally {
      // For the change stream this is when the stream opened, not when it closed.
      const status = c.res.status;
      const line = {
        method: c.req.method,
        path: c.req.path,
        status,
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
        user: userOf(c),
      };
      if (status >= 500) log.error(line, 'request failed');
      else log.info(line, 'request');
    }
  };
}
