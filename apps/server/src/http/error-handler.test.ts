// How failures become responses: a database that went away under a request is a 503 the caller
// may retry (with Retry-After), never a 500 that reads as a bug; other failures keep their codes.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { databaseUnavailable, handleError } from './error-handler.js';
import { silentLogger } from '../ops/logger.js';

function appThrowing(error: unknown) {
  const app = new Hono<{ Variables: { logger: ReturnType<typeof silentLogger> } }>();
  app.use(async (c, next) => {
    c.set('logger', silentLogger());
    await next();
  });
  app.onError(handleError);
  app.get('/', () => {
    throw error;
  });
  return app;
}

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('handleError', () => {
  it.each([
    ['a connection closed under the query (postgres.js)', withCode('CONNECTION_CLOSED')],
    [
      'a terminated backend (SQLSTATE 57P01)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['a database still starting (SQLSTATE 57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection failure (SQLSTATE class 08)', withCode('08006')],
    ['a reset socket to the database', withCode('ECONNRESET')],
  ])('answers %s with 503 and Retry-After', async (_name, error) => {
    const response = await appThrowing(error).request('/');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    const body = (await response.json()) as { code: string; error: string };
    expect(body.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error).toMatch(/database was lost/);
  });

  it('keeps an unexplained failure a logged 500', async () => {
    const response = await appThrowing(new Error('boom')).request('/');
    expect(response.status).toBe(500);
    expect(((await response.json()) as { code: string }).code).toBe('INTERNAL_ERROR');
  });

  it('does not take a constraint or input error for a lost database', () => {
    expect(databaseUnavailable(withCode('23505'))).toBe(false);
    expect(databaseUnavailable(withCode('22P02'))).toBe(false);
    expect(databaseUnavailable(new Error('no code'))).toBe(false);
  });
});
