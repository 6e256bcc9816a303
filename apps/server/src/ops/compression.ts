// gzip/deflate for answers that shrink: JSON, HTML, scripts and stylesheets of the web app
// (hono/compress, to clients that send Accept-Encoding). Left alone:
// - the change stream (`/api/v1/sync/stream`): a compressor holds bytes back until its buffer
//   fills, so events and heartbeats would reach the browser late or never;
// - images, fonts and other formats that are compressed already (hono's content-type list
//   leaves them out), and answers below 1 KiB, where the header costs more than it saves.
import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';

export const CHANGE_STREAM_PATH = '/api/v1/sync/stream';

export function responseCompression(): MiddlewareHandler {
  const compressor = compress();
  return (c, next) => (c.req.path === CHANGE_STREAM_PATH ? next() : compressor(c, next));
}
