// The failed-authentication limit for routes whose authentication lives elsewhere (the
// instance-sync `/api/sync/*`, authenticated by `instance-sync/peer-auth.ts`). It wraps the
// route group from outside: a 401 answered by the group counts as a failure of the caller's
// address, and past the limit a request is refused with 429 before the group runs unless
// `acceptsCaller` confirms that its credentials are valid, so valid callers are never locked
// out (see auth-failure-limiter.ts). Only requests that carried an Authorization header are
// counted: a request without one is not a guess.
import type { Context, MiddlewareHandler } from 'hono';
import { type AuthFailureLimiter, clientAddress } from './auth-failure-limiter.js';

export interface AuthFailureGuardOptions {
  limiter: AuthFailureLimiter;
  /** Key on the proxy-appended X-Forwarded-For entry (TRUST_PROXY). */
  trustProxy: boolean;
  /**
   * Whether the request's credentials would pass the group's own authentication. Asked only
   * for an address over the limit, so it may cost a lookup.
   */
  acceptsCaller: (c: Context) => Promise<boolean>;
}

export function authFailureGuard({
  limiter,
  trustProxy,
  acceptsCaller,
}: AuthFailureGuardOptions): MiddlewareHandler {
  return async (c, next) => {
    const address = clientAddress(c, trustProxy);
    if (limiter.isLimited(address) && !(await acceptsCaller(c))) limiter.check(address);
    await next();
    if (c.res.status === 401 && c.req.header('authorization') !== undefined) limiter.recordFailure(address);
  };
}
