// HMAC-SHA256 request signing: the signature covers method, path (with query), timestamp,
// nonce, the sender's instance header and the SHA-256 of the body bytes as sent, so neither a
// changed body, a replayed request (same nonce, or an old timestamp) nor a request moved to
// another sender's mapping (X-Sync-Instance decides whose ids it names) passes. Pure functions; the nonce store is apart.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SIGNATURE_WINDOW_MS, SYNC_HEADERS } from '@wikisync/shared';

/** The SHA-256 of the body bytes; a body sent in parts is hashed as their concatenation. */
export function bodyHash(body: Uint8Array | string | readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  if (typeof body === 'string' || body instanceof Uint8Array) hash.update(body);
  else for (const part of body) hash.update(part);
  return hash.digest('hex');
}

export function canonicalRequest(parts: {
  method: string;
  path: string;
  timestamp: string;
  nonce: string;
  /** The X-Sync-Instance header as sent, '' when absent. */
  instance: string;
  bodySha256: string;
}): string {
  return [
    parts.method.toUpperCase(),
    parts.path,
    parts.timestamp,
    parts.nonce,
    parts.instance,
    parts.bodySha256,
  ].join('\n');
}

type SignedParts = Parameters<typeof canonicalRequest>[0];

/** The signature header's value for these parts. */
function signatureOf(secret: string, parts: SignedParts): string {
  return `sha256=${createHmac('sha256', secret).update(canonicalRequest(parts)).digest('hex')}`;
}

/** Headers to add to a request: timestamp in Unix milliseconds, a random nonce, the signature. */
export function signRequest(
  secret: string,
  request: {
    method: string;
    path: string;
    body: Uint8Array | string | readonly Uint8Array[];
    instance?: string | undefined;
  },
  now = Date.now(),
): Record<string, string> {
  const timestamp = String(now);
  const nonce = randomBytes(16).toString('hex');
  return {
    [SYNC_HEADERS.timestamp]: timestamp,
    [SYNC_HEADERS.nonce]: nonce,
    [SYNC_HEADERS.signature]: signatureOf(secret, {
      method: request.method,
      path: request.path,
      timestamp,
      nonce,
      instance: request.instance ?? '',
      bodySha256: bodyHash(request.body),
    }),
  };
}

export type SignatureCheck = { ok: true; nonce: string } | { ok: false; reason: string };

/** Checks headers and signature; the caller must still refuse a nonce it has seen before. */
export function verifySignature(
  secret: string,
  request: {
    method: string;
    path: string;
    body: Uint8Array | readonly Uint8Array[];
    headers: (name: string) => string | undefined;
  },
  now = Date.now(),
): SignatureCheck {
  const timestamp = request.headers(SYNC_HEADERS.timestamp);
  const nonce = request.headers(SYNC_HEADERS.nonce);
  const signature = request.headers(SYNC_HEADERS.signature);
  if (!timestamp || !nonce || !signature) {
    return {
      ok: false,
      reason: `This peer must sign its requests: send ${SYNC_HEADERS.timestamp}, ${SYNC_HEADERS.nonce} and ${SYNC_HEADERS.signature}.`,
    };
  }
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > SIGNATURE_WINDOW_MS) {
    return {
      ok: false,
      reason:
        'The request timestamp is outside the ±5 minute window; check both clocks and send a fresh request.',
    };
  }
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(nonce))
    return { ok: false, reason: `${SYNC_HEADERS.nonce} must be 8-128 letters or digits.` };
  const expected = signatureOf(secret, {
    method: request.method,
    path: request.path,
    timestamp,
    nonce,
    instance: request.headers(SYNC_HEADERS.instance) ?? '',
    bodySha256: bodyHash(request.body),
  });
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return {
      ok: false,
      reason: 'The request signature does not match; both sides must use the same signing secret.',
    };
  }
  return { ok: true, nonce };
}
