// `/api/auth`: password sign-in (public) and sign-out (with the session's token).
//
// Failed password sign-ins are limited per account and per address. Unlike the bearer-token
// limiter, a limited account or address is refused even with the right password: a password
// can be guessed, and an answer that differed for the right one would tell the guesser.
import { Hono } from 'hono';
import { ok, signInRequestSchema, type SignInResponse } from '@wikisync/shared';
import type { AppEnv } from '../context.js';
import type { Database } from '../db/database.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { AuthFailureLimiter, clientAddress } from '../http/auth-failure-limiter.js';
import { readJson } from '../http/validate.js';
import { checkPassword, endSession, startSession } from './sessions.js';

export interface SignInLimits {
  /** Failed sign-ins per account per window (default 10 per 15 minutes). */
  perAccount?: AuthFailureLimiter;
  /** Failed sign-ins per address per window (default 30 per 15 minutes). */
  perAddress?: AuthFailureLimiter;
}

export function signInRoutes(db: Database, trustProxy: boolean, limits: SignInLimits = {}) {
  const perAccount = limits.perAccount ?? new AuthFailureLimiter({ maxFailures: 10, windowMs: 15 * 60_000 });
  const perAddress = limits.perAddress ?? new AuthFailureLimiter({ maxFailures: 30, windowMs: 15 * 60_000 });
  return new Hono<AppEnv>().post('/sign-in', async (c) => {
    const { name, password } = await readJson(c, signInRequestSchema);
    const account = `account:${name.toLowerCase()}`;
    const address = clientAddress(c, trustProxy);
    perAccount.check(account, 'for this account', 'check the name and password');
    perAddress.check(address, 'from this address', 'check the name and password');
    const outcome = await checkPassword(db, name, password);
    if (!outcome.ok && outcome.reason === 'wrong') {
      perAccount.recordFailure(account);
      perAddress.recordFailure(address);
      throw new UnauthorizedError('The name or the password is wrong; check both and try again.');
    }
    if (!outcome.ok) throw new ForbiddenError('This account is disabled; ask an administrator to enable it.');
    const session = await startSession(db, outcome.user.id);
    const body: SignInResponse = { ...session, user: outcome.user };
    return c.json(ok(body));
  });
}

/** Mounted behind the bearer middleware: ends the caller's session. */
export function signOutRoutes(db: Database) {
  return new Hono<AppEnv>().post('/sign-out', async (c) => {
    const { tokenId } = c.get('principal');
    // An API token (a script's, or one pasted into the sign-in page) stays valid: signing out
    // of the browser forgets it there, and only its owner or an admin revokes it.
    const revoked = tokenId !== null && (await endSession(db, tokenId));
    return c.json(ok({ signed_out: true, session_revoked: revoked }));
  });
}
