// Request signing as a table: each row changes one thing about a signed request after it was
// signed, and says whether the receiver must still accept it.
import { describe, expect, it } from 'vitest';
import { SIGNATURE_WINDOW_MS, SYNC_HEADERS } from '@wikisync/shared';
import { bodyHash, canonicalRequest, signRequest, verifySignature } from './request-signing.js';

const SECRET = 'shared-signing-secret';
const NOW = 1_700_000_000_000;
const encoder = new TextEncoder();

interface Received {
  method: string;
  path: string;
  body: string;
  headers: Record<string, string>;
  secret: string;
  now: number;
}

function signed(instance?: string): Received {
  const request = { method: 'POST', path: '/api/sync/batch-upsert?dry=1', body: '{"rows":[1]}', instance };
  const headers = signRequest(SECRET, request, NOW);
  if (instance !== undefined) headers[SYNC_HEADERS.instance] = instance;
  return {
    method: request.method,
    path: request.path,
    body: request.body,
    headers,
    secret: SECRET,
    now: NOW,
  };
}

function verify(received: Received) {
  return verifySignature(
    received.secret,
    {
      method: received.method,
      path: received.path,
      body: encoder.encode(received.body),
      headers: (name) => received.headers[name],
    },
    received.now,
  );
}

const without = (headers: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));

describe('verifySignature', () => {
  const cases: Array<[what: string, change: (r: Received) => Received, accepted: boolean, reason?: RegExp]> =
    [
      ['the request as signed', (r) => r, true],
      ['the method in another case', (r) => ({ ...r, method: 'post' }), true],
      ['a clock 4 minutes ahead', (r) => ({ ...r, now: NOW - 4 * 60_000 }), true],
      ['the edge of the window', (r) => ({ ...r, now: NOW + SIGNATURE_WINDOW_MS }), true],
      ['a changed body', (r) => ({ ...r, body: '{"rows":[2]}' }), false, /does not match/],
      ['another path', (r) => ({ ...r, path: '/api/sync/batch-upsert' }), false, /does not match/],
      ['another method', (r) => ({ ...r, method: 'PUT' }), false, /does not match/],
      ['another secret', (r) => ({ ...r, secret: 'other-secret' }), false, /same signing secret/],
      [
        'an added instance header',
        (r) => ({ ...r, headers: { ...r.headers, [SYNC_HEADERS.instance]: 'someone-else' } }),
        false,
        /does not match/,
      ],
      [
        'another nonce',
        (r) => ({ ...r, headers: { ...r.headers, [SYNC_HEADERS.nonce]: 'aaaaaaaaaaaaaaaa' } }),
        false,
        /does not match/,
      ],
      [
        'a request older than the window',
        (r) => ({ ...r, now: NOW + SIGNATURE_WINDOW_MS + 1 }),
        false,
        /window/,
      ],
      ['a request from the future', (r) => ({ ...r, now: NOW - SIGNATURE_WINDOW_MS - 1 }), false, /window/],
      [
        'a timestamp that is not a number',
        (r) => ({ ...r, headers: { ...r.headers, [SYNC_HEADERS.timestamp]: '17e11' } }),
        false,
        /window/,
      ],
      [
        'a nonce too short',
        (r) => ({ ...r, headers: { ...r.headers, [SYNC_HEADERS.nonce]: 'short' } }),
        false,
        /8-128 letters/,
      ],
      [
        'a nonce with other characters',
        (r) => ({ ...r, headers: { ...r.headers, [SYNC_HEADERS.nonce]: 'abc def ghi' } }),
        false,
        /8-128 letters/,
      ],
      [
        'a forged signature of the right length',
        (r) => ({ ...r, headers: { ...r.headers, [SYNC_HEADERS.signature]: `sha256=${'0'.repeat(64)}` } }),
        false,
        /does not match/,
      ],
      [
        'a truncated signature',
        (r) => ({ ...r, headers: { ...r.headers, [SYNC_HEADERS.signature]: 'sha256=00' } }),
        false,
        /does not match/,
      ],
      [
        'no timestamp',
        (r) => ({ ...r, headers: without(r.headers, SYNC_HEADERS.timestamp) }),
        false,
        /must sign/,
      ],
      ['no nonce', (r) => ({ ...r, headers: without(r.headers, SYNC_HEADERS.nonce) }), false, /must sign/],
      [
        'no signature',
        (r) => ({ ...r, headers: without(r.headers, SYNC_HEADERS.signature) }),
        false,
        /must sign/,
      ],
    ];

  it.each(cases)('%s → accepted: %s', (_what, change, accepted, reason) => {
    const result = verify(change(signed()));
    expect(result.ok).toBe(accepted);
    if (!result.ok && reason) expect(result.reason).toMatch(reason);
  });

  it('binds the sender instance the request was signed for', () => {
    const received = signed('instance-a');
    expect(verify(received).ok).toBe(true);
    const moved = { ...received, headers: { ...received.headers, [SYNC_HEADERS.instance]: 'instance-b' } };
    expect(verify(moved).ok).toBe(false);
    expect(verify({ ...received, headers: without(received.headers, SYNC_HEADERS.instance) }).ok).toBe(false);
  });

  it('returns the nonce, for the caller to refuse it the second time', () => {
    const received = signed();
    expect(verify(received)).toEqual({ ok: true, nonce: received.headers[SYNC_HEADERS.nonce] });
  });

  it('gives every request a fresh nonce', () => {
    expect(signed().headers[SYNC_HEADERS.nonce]).not.toBe(signed().headers[SYNC_HEADERS.nonce]);
  });
});

describe('canonicalRequest and bodyHash', () => {
  it('join the signed parts one per line, method upper-cased, body as its SHA-256', () => {
    const body = encoder.encode('{}');
    expect(bodyHash(body)).toBe(bodyHash('{}'));
    expect(bodyHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(
      canonicalRequest({
        method: 'post',
        path: '/api/sync/x?y=1',
        timestamp: '1',
        nonce: 'n',
        instance: '',
        bodySha256: 'h',
      }),
    ).toBe('POST\n/api/sync/x?y=1\n1\nn\n\nh');
  });
});
