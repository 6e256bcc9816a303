import type { MiddlewareHandler } from 'hono';
import type { Database } from '../db/database.js';
import type { AppEnv } from '../context.js';
import type { Principal } from '../auth/principal.js';
import { findPrincipalByToken } from '../auth/user-store.js';
import { secretsEqual } from '../auth/tokens.js';
import { UnauthorizedError } from '../errors.js';
import { type AuthFailureLimiter, clientAddress } from './auth-failure-limiter.js';

export interface BearerAuthOptions {
  db: Database;
  /** The bootstrap admin token from ADMIN_TOKEN, and the user it acts as. */
  admin?: { token: string; principal: Principal };
  /** Counts failed attempts per address and answers 429 to further failures past the limit. */
  limiter?: AuthFailureLimiter;
  /** Key the limiter on the proxy-appended X-Forwarded-For entry (TRUST_PROXY). */
  trustProxy?: boolean;
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/** Resolves `Authorization: Bearer <token>` to a principal, or answers 401. */
export function bearerAuth({ db, admin, limiter, trustProxy }: BearerAuthOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const token = bearerToken(header);
    if (!token) {
      throw new UnauthorizedError(
        header
          ? 'The Authorization header is malformed; send "Authorization: Bearer <token>".'
          : 'This endpoint needs a token; send "Authorization: Bearer <token>".',
      );
    }
    const principal =
      admin && secretsEqual(token, admin.token) ? admin.principal : await findPrincipalByToken(db, token);
    if (!principal) {
      // Only a failed guess is refused or counted: a valid token passes whatever the address did.
      const address = clientAddress(c, trustProxy);
      limiter?.check(address);
      limiter?.recordFailure(address);
      throw new UnauthorizedError('The token is unknown, expired or revoked; sign in again.');
    }
    c.set('principal', principal);
    await next();
  };
}
