// Slows down token guessing: after too many failed authentications from one address within
// a window, that address gets 429 for every further *failed* attempt until the window has
// passed. A request whose token is valid is never refused: tokens are unguessable, so the
// limiter only has to make guessing slow, and refusing valid tokens would let one bad client
// lock out everyone sharing its address (all users, behind a reverse proxy). The price is one
// token lookup per refused request, as a bad token is only known to be bad once looked up.
// Counters live in process memory: each server process limits on its own, which is enough to
// make guessing a 256-bit token hopeless.
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { TooManyRequestsError } from '../errors.js';

export interface AuthFailureLimiterOptions {
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}

export class AuthFailureLimiter {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor({ maxFailures = 20, windowMs = 60_000, now = Date.now }: AuthFailureLimiterOptions = {}) {
    this.maxFailures = maxFailures;
    this.windowMs = windowMs;
    this.now = now;
  }

  isLimited(key: string): boolean {
    const entry = this.current(key);
    return entry !== undefined && entry.count >= this.maxFailures;
  }

  /**
   * Throws 429 while `key` is over the limit. `what` names the key in the message and `hint`
   * what to check; for tokens, call it only for a failed attempt.
   */
  check(key: string, what = 'from this address', hint = 'check the token you send'): void {
    const entry = this.current(key);
    if (entry && entry.count >= this.maxFailures) {
      const retryAfter = Math.ceil((entry.windowStart + this.windowMs - this.now()) / 1000);
      throw new TooManyRequestsError(
        `Too many failed sign-ins ${what}; wait ${retryAfter} s and ${hint}.`,
        retryAfter,
      );
    }
  }

  recordFailure(key: string): void {
    const entry = this.current(key) ?? { count: 0, windowStart: this.now() };
    entry.count++;
    this.failures.set(key, entry);
    if (this.failures.size > 10_000) this.prune();
  }

  private current(key: string) {
    const entry = this.failures.get(key);
    if (entry && this.now() - entry.windowStart >= this.windowMs) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }

  private prune() {
    for (const key of [...this.failures.keys()]) this.current(key);
  }
}

/**
 * The caller's address, or "local" when the request did not come through a socket (tests).
 * With `trustProxy`, the right-most X-Forwarded-For entry: the one our proxy appended for
 * the peer it saw. Entries further left come from the client and can be forged, so they are
 * never used; this assumes exactly one proxy in front of the server.
 */
export function clientAddress(c: Context, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}
