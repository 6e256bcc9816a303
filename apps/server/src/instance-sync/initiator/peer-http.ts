// One HTTP exchange with a peer over node:http(s), for the peer client. Not `fetch`: a
// request body handed to fetch is copied whole before it is sent (undici copies a typed array
// into its own, and again as it streams it), and a push sends tens of megabytes; here the body
// goes out as the parts it was built from (a header line, then the database's COPY text) with
// its length declared, so the bytes are written once. Answers are read as fetch read them:
// gzip and deflate decoded, redirects never followed (the caller reports a 3xx), and a size
// limit that stops reading as soon as it is passed.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { byteLengthOf } from '../wire/line-bytes.js';

/** Kept-alive connections, shared by every peer client of the process, as fetch's were. */
const agents = {
  'http:': new HttpAgent({ keepAlive: true }),
  'https:': new HttpsAgent({ keepAlive: true }),
};

export interface PeerAnswer {
  status: number;
  header(name: string): string | undefined;
  /** The decoded body, or null when it grew past `maxBytes` (the rest is not read). */
  read(maxBytes: number): Promise<Buffer | null>;
  /** Drops the body unread. */
  discard(): void;
}

/** The answer's body, decoded as its Content-Encoding says. */
function decoded(response: IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : null;
  if (!decoder) return response;
  // An error on either side ends the other and reaches the reader.
  return pipeline(response, decoder, () => {});
}

function answer(response: IncomingMessage): PeerAnswer {
  // A connection lost while nobody reads is reported to the reader, if one comes; it must not
  // be an unhandled 'error' event.
  response.on('error', () => {});
  return {
    status: response.statusCode ?? 0,
    header: (name) => {
      const value = response.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    async read(maxBytes) {
      const declared = Number(response.headers['content-length'] ?? NaN);
      if (response.headers['content-encoding'] === undefined && declared > maxBytes) {
        response.destroy();
        return null;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of decoded(response) as AsyncIterable<Buffer>) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          response.destroy();
          return null;
        }
        chunks.push(chunk);
      }
      return Buffer.concat(chunks, size);
    },
    discard: () => void response.resume(),
  };
}

/**
 * Sends one request and resolves once the answer's status and headers arrived; `body` is
 * sent as its parts in order, with their total length declared. Rejects with the socket's
 * error (its `code` says why: ECONNREFUSED, ECONNRESET, …) or, once `signal` aborts, an
 * AbortError.
 */
export function peerRequest(
  url: URL,
  init: {
    method: 'GET' | 'POST';
    headers: Record<string, string>;
    body?: readonly Uint8Array[] | undefined;
    signal: AbortSignal;
  },
): Promise<PeerAnswer> {
  const protocol = url.protocol as keyof typeof agents;
  if (!(protocol in agents))
    return Promise.reject(new Error(`${url.protocol} is not HTTP; a target is an http(s) URL.`));
  const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate', ...init.headers };
  if (init.body) headers['content-length'] = String(byteLengthOf(init.body));
  return new Promise((resolve, reject) => {
    const send = protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      { method: init.method, headers, agent: agents[protocol], signal: init.signal },
      (response) => resolve(answer(response)),
    );
    request.on('error', reject);
    for (const part of init.body ?? []) request.write(part);
    request.end();
  });
}
