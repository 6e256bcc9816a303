// Refuses request bodies above a size, as hono/body-limit does, without turning every request
// into a web `Request` first. Hono's middleware reads `c.req.raw.body` up front, which makes
// @hono/node-server build a full undici Request around the Node stream; with the length
// known from Content-Length that is not needed, and reading the body later (`c.req.text()`)
// takes node-server's direct path. Node's HTTP parser holds a body to its Content-Length, so
// the header is the body's size. A chunked body (no length) is counted as it streams in,
// by hono's middleware, as before.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export function requestBodyLimit(maxSize: number, onError: (c: Context) => never): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > maxSize) onError(c);
      return next();
    }
    return streamed(c, next);
  };
}
