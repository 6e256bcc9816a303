// Slows down token guessing: after too many failed authentications from one address within
// a window, that address gets 429 until the window has passed. Counters live in process
// memory: each server process limits on its own, which is enough to make guessing a 256-bit
// token hopeless while never locking out a user whose token is valid.
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

  /** Throws 429 while `key` is over the limit. */
  check(key: string): void {
    const entry = this.current(key);
    if (entry && entry.count >= this.maxFailures) {
      const retryAfter = Math.ceil((entry.windowStart + this.windowMs - this.now()) / 1000);
      throw new TooManyRequestsError(
        `Too many failed sign-ins from this address; wait ${retryAfter} s and check the token you send.`,
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

/** The caller's address, or "local" when the request did not come through a socket (tests). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}
