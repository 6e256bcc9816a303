import { describe, expect, it } from 'vitest';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { TooManyRequestsError } from '../errors.js';
import { jsonOf, startTestApp } from '../testing/test-app.js';

describe('AuthFailureLimiter', () => {
  it('refuses an address past the limit until the window has passed', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter({ maxFailures: 3, windowMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) {
      limiter.check('a');
      limiter.recordFailure('a');
    }
    expect(() => limiter.check('a')).toThrow(TooManyRequestsError);
    expect(limiter.isLimited('a')).toBe(true);
    expect(() => limiter.check('b')).not.toThrow();
    now = 1000;
    expect(() => limiter.check('a')).not.toThrow();
  });

  it('answers 429 to an address that keeps sending bad tokens', async () => {
    const t = await startTestApp('pglite');
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++)
        statuses.push((await t.request('GET', '/api/me', { token: `guess-${i}` })).status);
      expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
      const blocked = await t.request('GET', '/api/me', { token: 'guess-last' });
      expect(blocked.status).toBe(429);
      expect((await jsonOf(blocked)).error).toMatch(/Too many failed sign-ins/);
      // The admin's valid token from the same address is not refused.
      expect((await t.request('GET', '/api/me')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
