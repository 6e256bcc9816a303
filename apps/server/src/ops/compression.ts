// gzip/deflate for answers that shrink: JSON, HTML, scripts and stylesheets of the web app,
// to clients that send Accept-Encoding. Left alone:
// - the change stream (`/api/v1/sync/stream`): a compressor holds bytes back until its buffer
//   fills, so events and heartbeats would reach the browser late or never;
// - images, fonts and other formats that are compressed already (hono's content-type list
//   leaves them out), and answers below 1 KiB, where the header costs more than it saves.
//
// Not hono/compress: it compresses every answer whose length is not declared, and our JSON
// answers do not declare one, so each small push answer went through a CompressionStream (a
// sixth of the server's CPU per push under the concurrent-push bench). Here `c.json` notes
// the size of the text it sends, so a small JSON answer is passed on untouched (node-server
// then writes the string as it is); any other answer is whole in memory already (every answer
// but the change stream is), so its size is read before deciding. The deflate itself runs on
// libuv's thread pool instead of the event loop.
import { promisify } from 'node:util';
import { deflate, gzip } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';

export const CHANGE_STREAM_PATH = '/api/v1/sync/stream';

/** Answers smaller than this go out as they are. */
export const COMPRESSION_THRESHOLD = 1024;

const ENCODERS = { gzip: promisify(gzip), deflate: promisify(deflate) } as const;
type Encoding = keyof typeof ENCODERS;

/** The encoding to use for an Accept-Encoding header: gzip first, then deflate, none if q=0. */
export function chooseEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: Encoding) => weights.get(name) ?? weights.get('*') ?? 0;
  const gzipWeight = weightOf('gzip');
  const deflateWeight = weightOf('deflate');
  if (gzipWeight <= 0 && deflateWeight <= 0) return undefined;
  return gzipWeight >= deflateWeight ? 'gzip' : 'deflate';
}

/** The byte size of the JSON answers `c.json` made, while they are the answer as made. */
const jsonSizes = new WeakMap<Response, number>();

/** `c.json` as Hono's, noting the size of the text. */
function sizedJson(c: Context): Context['json'] {
  return ((object: unknown, arg?: number | ResponseInit, headers?: Record<string, string | string[]>) => {
    const text = JSON.stringify(object);
    const res = c.body(text, arg as never, { 'Content-Type': 'application/json', ...headers });
    jsonSizes.set(res, Buffer.byteLength(text));
    return res;
  }) as unknown as Context['json'];
}

// The checks read only the status and headers: touching `body` would turn node-server's
// lightweight answer into a full web Response.
function compressible(c: Context, res: Response): boolean {
  if (res.status === 206 || res.status === 204 || res.status === 304 || c.req.method === 'HEAD') return false;
  const known = jsonSizes.get(res);
  if (known !== undefined && known < COMPRESSION_THRESHOLD) return false;
  if (res.headers.has('Content-Encoding') || res.headers.has('Transfer-Encoding')) return false;
  if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get('Cache-Control') ?? '')) return false;
  const declared = res.headers.get('Content-Length');
  if (declared !== null && Number(declared) < COMPRESSION_THRESHOLD) return false;
  return COMPRESSIBLE_CONTENT_TYPE_REGEX.test(res.headers.get('Content-Type') ?? '') && res.body !== null;
}

export function responseCompression(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path === CHANGE_STREAM_PATH) return next();
    c.json = sizedJson(c);
    await next();
    const res = c.res;
    if (!compressible(c, res)) return;
    const body = Buffer.from(await res.arrayBuffer());
    const large = body.length >= COMPRESSION_THRESHOLD;
    const encoding = large ? chooseEncoding(c.req.header('Accept-Encoding')) : undefined;
    const payload = encoding ? await ENCODERS[encoding](body) : body;
    // Hono copies the old answer's headers (all but Content-Type) onto the new one, so the
    // changed ones are set after.
    c.res = new Response(payload, { status: res.status, statusText: res.statusText, headers: res.headers });
    const headers = c.res.headers;
    headers.set('Content-Length', String(payload.length));
    if (large) {
      const vary = headers.get('Vary');
      if (vary !== '*' && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary ?? ''))
        headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    }
    if (!encoding) return;
    headers.set('Content-Encoding', encoding);
    const etag = headers.get('ETag');
    if (etag && !etag.startsWith('W/')) headers.set('ETag', `W/${etag}`);
  };
}
