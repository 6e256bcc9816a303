// HTTP client for calling another server's /api/sync: bearer token, our instance header,
// optional request signing and gzip, a timeout per attempt, and 3 tries with exponential
// backoff for answers that may succeed later (no answer, timeout, 5xx, 429). A 4xx is the
// peer refusing the request and is not retried. Errors name the target and the cause.
// A peer is not trusted to be reasonable: an answer larger than `maxResponseBytes` is cut
// off unread, a whole call (every attempt and wait) ends at its deadline, and every answer is
// checked against its endpoint's schema in SYNC_ENDPOINTS before anyone reads it.
import { STATUS_CODES } from 'node:http';
import { gzipSync } from 'node:zlib';
import {
  COPY_CONTENT_TYPE,
  encodeCopyHeader,
  SYNC_ENDPOINTS,
  type CopyUpsertRequest,
  SYNC_HEADERS,
  type SyncEndpoint,
  type SyncEndpointName,
  type SyncEndpointRequest,
  type SyncEndpointResponse,
} from '@wikisync/shared';
import { PeerRequestError, SyncCancelledError } from '../../errors.js';
import { signRequest } from '../peer-auth/request-signing.js';
import { listIssues } from '../../http/validate.js';
import { byteLengthOf, joinParts, lineBytes } from '../wire/line-bytes.js';
import { peerRequest, type PeerAnswer } from './peer-http.js';

export interface PeerClientOptions {
  baseUrl: string;
  token: string | null;
  signingSecret: string | null;
  instanceUid: string;
  timeoutMs: number;
  retryBaseMs: number;
  tries?: number;
  /** Answers larger than this are refused while they stream in (default 64 MiB). */
  maxResponseBytes?: number;
  /** A whole call, retries included, ends after this long (default 2 × timeoutMs). */
  deadlineMs?: number;
  /** gzip request bodies larger than this many bytes; undefined means never. */
  compressAbove?: number | undefined;
  /** Ask for gzip- or deflate-encoded answers (default); false asks for them as they are. */
  acceptCompressed?: boolean;
  signal?: AbortSignal | undefined;
}

/** The arguments after the endpoint's name: its body or query, or none when it takes none. */
export type PeerCallInput<E extends SyncEndpointName> =
  SyncEndpointRequest<E> extends undefined ? [] : [input: SyncEndpointRequest<E>];

export interface PeerClient {
  readonly baseUrl: string;
  /**
   * Calls one endpoint of the peer and returns its answer's `data`, checked against the
   * endpoint's response schema; an answer that does not fit is a PeerRequestError naming the
   * endpoint and what was wrong.
   */
  call<E extends SyncEndpointName>(endpoint: E, ...input: PeerCallInput<E>): Promise<SyncEndpointResponse<E>>;
}

/** A socket error as `CODE (message)`; a failed connection to each of several addresses is one. */
function describeCause(error: unknown): string {
  const cause = error as { code?: string; message?: string; errors?: { code?: string; message?: string }[] };
  const named = cause.code ? cause : cause.errors?.find((each) => each.code);
  if (named?.code) return `${named.code}${named.message ? ` (${named.message})` : ''}`;
  return (error as Error).message ?? String(error);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SyncCancelledError());
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new SyncCancelledError())), {
      once: true,
    });
  });
}

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The answer as text, refused as soon as it grows past `maxBytes`. */
async function readAnswer(response: PeerAnswer, maxBytes: number, what: string): Promise<string> {
  const body = await response.read(maxBytes);
  if (body === null)
    throw new PeerRequestError(
      `${what} grew past the ${maxBytes} bytes this server reads; it was cut off.`,
      response.status,
      false,
    );
  return body.toString('utf8');
}

export function createPeerClient(options: PeerClientOptions): PeerClient {
  const tries = options.tries ?? 3;
  const base = options.baseUrl.replace(/\/+$/, '');
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const deadlineMs = options.deadlineMs ?? options.timeoutMs * 2;

  async function once(
    method: 'GET' | 'POST',
    url: URL,
    body: readonly Uint8Array[] | undefined,
    gzip: boolean,
    deadline: AbortSignal,
    contentType: string,
  ): Promise<{ status: number; data: unknown }> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      [SYNC_HEADERS.instance]: options.instanceUid,
    };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['content-type'] = contentType;
    if (gzip) headers['content-encoding'] = 'gzip';
    if (options.acceptCompressed === false) headers['accept-encoding'] = 'identity';
    if (options.signingSecret) {
      Object.assign(
        headers,
        signRequest(options.signingSecret, {
          method,
          path: url.pathname + url.search,
          body: body ?? [],
          instance: options.instanceUid,
        }),
      );
    }
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = AbortSignal.any([timeout, deadline, ...(options.signal ? [options.signal] : [])]);
    const late = () =>
      new PeerRequestError(
        deadline.aborted
          ? `Target ${base} did not finish ${where} within ${deadlineMs} ms, retries included.`
          : `Target ${base} did not answer ${where} within ${options.timeoutMs} ms.`,
        undefined,
        !deadline.aborted,
      );
    const where = `${method} ${url.pathname}`;
    let response: PeerAnswer;
    try {
      // A redirect is never followed (peer-http.ts): a saved target could otherwise send us to
      // an address no operator allowed (SSRF). A 3xx is reported as the failure it is.
      response = await peerRequest(url, { method, headers, body, signal });
    } catch (error) {
      if (options.signal?.aborted) throw new SyncCancelledError();
      if (timeout.aborted || deadline.aborted) throw late();
      throw new PeerRequestError(`Target ${base} is unreachable: ${describeCause(error)}.`, undefined, true);
    }
    if (response.status >= 300 && response.status < 400) {
      response.discard();
      const location = response.header('location') ?? 'an unnamed address';
      throw new PeerRequestError(
        `Target ${base} answered ${where} with a redirect to ${location}; redirects are not followed, save the final /api/sync URL as the target instead.`,
        response.status,
        false,
      );
    }
    let text: string;
    try {
      text = await readAnswer(response, maxResponseBytes, `The answer of ${base} to ${where}`);
    } catch (error) {
      if (error instanceof PeerRequestError) throw error;
      if (options.signal?.aborted) throw new SyncCancelledError();
      if (timeout.aborted || deadline.aborted) throw late();
      throw new PeerRequestError(
        `Target ${base} broke off its answer to ${where}: ${describeCause(error)}.`,
        response.status,
        true,
      );
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.status < 200 || response.status >= 300) {
      const message = (parsed as { error?: unknown } | undefined)?.error;
      const detail =
        typeof message === 'string'
          ? message
          : text.slice(0, 200) || (STATUS_CODES[response.status] ?? 'no reason given');
      const retryable = response.status >= 500 || response.status === 429;
      throw new PeerRequestError(
        `Target ${base} answered ${response.status} to ${where}: ${detail}`,
        response.status,
        retryable,
      );
    }
    if (parsed === undefined)
      throw new PeerRequestError(
        `Target ${base} answered ${where} with something that is not JSON.`,
        response.status,
        false,
      );
    // Envelope {"code":"OK","data":...}; a bare body is taken as the data.
    const data =
      parsed && typeof parsed === 'object' && 'data' in parsed ? (parsed as { data: unknown }).data : parsed;
    return { status: response.status, data };
  }

  /** One call with its retries; `input` is the query of a GET and the body of a POST. */
  async function send(endpoint: SyncEndpointName, input: unknown) {
    const { method } = SYNC_ENDPOINTS[endpoint];
    const copy = (SYNC_ENDPOINTS[endpoint] as SyncEndpoint).body === 'copy';
    const url = new URL(`${base}/${endpoint}`);
    if (method === 'GET')
      for (const [key, value] of Object.entries(input ?? {}))
        if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    let body: Uint8Array[] | undefined;
    let gzip = false;
    if (method === 'POST' && input !== undefined) {
      // A `copy-upsert` body is its header line, then its row lines (copy-v1) or its COPY text
      // as the database wrote it (pg-text-v1), sent as those two parts without joining them.
      const request = input as CopyUpsertRequest;
      const parts: Uint8Array[] = !copy
        ? [Buffer.from(JSON.stringify(input))]
        : request.data
          ? [lineBytes([], encodeCopyHeader(request.header)), ...request.data]
          : [lineBytes(request.lines, encodeCopyHeader(request.header))];
      const size = byteLengthOf(parts);
      gzip = options.compressAbove !== undefined && size > options.compressAbove;
      body = gzip ? [gzipSync(joinParts(parts), { level: 1 })] : parts;
    }
    const deadline = AbortSignal.timeout(deadlineMs);
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(method, url, body, gzip, deadline, copy ? COPY_CONTENT_TYPE : 'application/json');
      } catch (error) {
        if (!(error instanceof PeerRequestError) || !error.retryable || attempt >= tries) throw error;
        if (deadline.aborted) throw error;
        await sleep(options.retryBaseMs * 2 ** (attempt - 1), options.signal);
      }
    }
  }

  async function call<E extends SyncEndpointName>(
    name: E,
    ...[input]: PeerCallInput<E>
  ): Promise<SyncEndpointResponse<E>> {
    const endpoint: SyncEndpoint = SYNC_ENDPOINTS[name];
    const { status, data } = await send(name, input);
    const checked = endpoint.response.safeParse(data);
    if (!checked.success)
      throw new PeerRequestError(
        `Target ${base} answered ${endpoint.method} /${name} with data this server cannot use ` +
          `(${listIssues(checked.error, 'data')}); check that the target is a wikisync or openDeepWiki ` +
          'server of a compatible version.',
        status,
        false,
      );
    // Parsed by E's own response schema; the cast only restores the type the widened
    // `SyncEndpoint` annotation lost.
    return checked.data as SyncEndpointResponse<E>;
  }

  return { baseUrl: base, call };
}
