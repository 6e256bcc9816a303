// Authentication for every /api/sync endpoint. Accepted, in this order:
//   1. the bootstrap ADMIN_TOKEN or an admin user's token: every scope, every repository;
//   2. a peer token (sync_peer_tokens): its scopes and repositories; it must sign its
//      requests when it has a signing secret;
//   3. no token at all, only from an address the operator listed in SYNC_ALLOW_TOKENLESS_FROM
//      (an unmodified openDeepWiki): receive and export, never initiate;
//   4. no token, from a browser page of an origin listed in SYNC_CORS_ORIGINS: only the two
//      lists openDeepWiki's pull page reads (browser-origins.ts).
// A valid signature is also required from anyone who sends signature headers. The body is
// read only once the caller is known, so an unauthenticated request costs no body buffering.
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { SYNC_HEADERS, SYNC_SCOPES, uidSchema, type SyncScope } from '@wikisync/shared';
import type { Database } from '../../db/database.js';
import type { Principal } from '../../auth/principal.js';
import { findPrincipalByToken } from '../../auth/user-store.js';
import { secretsEqual } from '../../auth/tokens.js';
import { bearerToken } from '../../http/auth-middleware.js';
import { ForbiddenError, PayloadTooLargeError, UnauthorizedError, ValidationError } from '../../errors.js';
import type { SyncCaller, SyncEnv } from './sync-caller.js';
import { addressAllowed, normaliseAddress } from './address-allowlist.js';
import { findPeerToken } from './peer-token-store.js';
import { claimNonce } from './nonce-store.js';
import { verifySignature } from './request-signing.js';
import { allowedBrowserOrigin } from './browser-origins.js';
import { readCapped, readDeclared } from '../../http/read-capped.js';
import { type AuthFailureLimiter, clientAddress } from '../../http/auth-failure-limiter.js';
import type { SecretBox } from './secret-box.js';

export interface PeerAuthOptions {
  db: Database;
  box: SecretBox;
  admin: { token: string; principal: Principal } | undefined;
  allowTokenlessFrom: readonly string[];
  corsOrigins?: readonly string[];
  /** Bodies above this get 413; read only once the caller is known. */
  maxBodyBytes: number;
  /** The failed-authentication limit shared with /api (a valid credential is never limited). */
  limiter?: AuthFailureLimiter | undefined;
  /** Key the limiter on the proxy-appended X-Forwarded-For entry (TRUST_PROXY). */
  trustProxy?: boolean;
}

/** The request body as parts, refused with 413 as soon as it passes `maxBytes`. */
async function readBody(
  c: Parameters<MiddlewareHandler>[0],
  maxBytes: number,
): Promise<readonly Uint8Array[]> {
  const length = c.req.header('content-length');
  const declared = Number(length ?? NaN);
  if (declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  // With a declared length (Node's parser holds the body to it), read it whole: under
  // node-server straight from Node's request, as its chunks (`readDeclared`), elsewhere (an
  // in-process `app.request`) through node-server's direct path. Reading tens of megabytes
  // through the web stream that `c.req.raw.body` builds cost a copy and a promise per chunk
  // (body-limit.ts). A chunked body is counted as it streams in.
  if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming && !incoming.readableDidRead && Number.isSafeInteger(declared) && declared >= 0)
      return readDeclared(incoming, declared).catch((error: Error) => {
        throw new ValidationError(`${error.message} Send the request again.`);
      });
    return [new Uint8Array(await c.req.arrayBuffer())];
  }
  const body = await readCapped(c.req.raw.body, maxBytes);
  if (body === null) throw new PayloadTooLargeError(maxBytes);
  return [body];
}

const ALL_SCOPES: ReadonlySet<SyncScope> = new Set(SYNC_SCOPES);
const TOKENLESS_SCOPES: ReadonlySet<SyncScope> = new Set<SyncScope>(['receive', 'export']);

function remoteAddress(c: Parameters<MiddlewareHandler>[0]): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // app.request() in tests has no socket
  }
}

export function peerAuth({
  db,
  box,
  admin,
  allowTokenlessFrom,
  corsOrigins = [],
  maxBodyBytes,
  limiter,
  trustProxy = false,
}: PeerAuthOptions): MiddlewareHandler<SyncEnv> {
  return async (c, next) => {
    try {
      c.set('syncCaller', await authenticate(c));
    } catch (error) {
      // A refused credential is a guess: counted, and refused with 429 past the limit, as on
      // /api. A request with no credential at all is not a guess and is not counted.
      if (error instanceof UnauthorizedError && c.req.header('authorization') !== undefined) {
        const address = clientAddress(c, trustProxy);
        limiter?.check(address);
        limiter?.recordFailure(address);
      }
      throw error;
    }
    await next();
  };

  async function authenticate(c: Context<SyncEnv>): Promise<SyncCaller> {
    const instanceHeader = c.req.header(SYNC_HEADERS.instance);
    if (instanceHeader !== undefined && !uidSchema.safeParse(instanceHeader).success) {
      throw new ValidationError(
        `${SYNC_HEADERS.instance} must be an instance uid (letters, digits, "-" and "_").`,
      );
    }
    const header = c.req.header('authorization');
    const token = bearerToken(header);
    let caller: SyncCaller;
    let signingSecret: string | null = null;
    if (header && !token) {
      throw new UnauthorizedError(
        'The Authorization header is malformed; send "Authorization: Bearer <token>".',
      );
    }
    if (token) {
      const principal =
        admin && secretsEqual(token, admin.token) ? admin.principal : await findPrincipalByToken(db, token);
      if (principal) {
        if (!principal.isAdmin) {
          throw new ForbiddenError(
            'A user token may not use /api/sync; use a peer token (`wikisync peer token create`) or an admin token.',
          );
        }
        caller = {
          kind: 'admin',
          name: principal.userName,
          scopes: ALL_SCOPES,
          repositoryIds: null,
          peerKey: `admin:${principal.userId}`,
        };
      } else {
        const peer = await findPeerToken(db, box, token);
        if (!peer)
          throw new UnauthorizedError(
            'The sync token is unknown or revoked; ask the operator of this server for a peer token.',
          );
        signingSecret = peer.signingSecret;
        caller = {
          kind: 'peer-token',
          name: `peer token ${peer.name}`,
          scopes: new Set(peer.scopes),
          repositoryIds: peer.repositoryIds,
          peerKey: `token:${peer.id}`,
        };
      }
    } else if (
      !addressAllowed(remoteAddress(c), allowTokenlessFrom) &&
      allowedBrowserOrigin(c, corsOrigins)
    ) {
      const origin = allowedBrowserOrigin(c, corsOrigins)!;
      caller = {
        kind: 'tokenless',
        name: `web page ${origin}`,
        scopes: new Set<SyncScope>(['export']),
        repositoryIds: null,
        peerKey: `origin:${origin}`,
      };
    } else {
      const address = remoteAddress(c);
      if (!addressAllowed(address, allowTokenlessFrom)) {
        throw new UnauthorizedError(
          'This endpoint needs a peer token; send "Authorization: Bearer <token>" (tokenless peers must be allowed by the operator).',
        );
      }
      const normalised = normaliseAddress(address!);
      caller = {
        kind: 'tokenless',
        name: `tokenless peer ${normalised}`,
        scopes: TOKENLESS_SCOPES,
        repositoryIds: null,
        peerKey: `address:${normalised}`,
      };
    }
    // Our senders name themselves; their ids are mapped by instance, not by credential, so a
    // rotated token does not turn the next sync into a second copy.
    if (instanceHeader && caller.kind !== 'tokenless') caller.peerKey = `instance:${instanceHeader}`;

    const rawBody = await readBody(c, maxBodyBytes);
    c.set('rawBody', rawBody);

    if (signingSecret !== null || c.req.header(SYNC_HEADERS.signature) !== undefined) {
      if (signingSecret === null) {
        throw new UnauthorizedError(
          'This request is signed but its token has no signing secret here; save the same secret on both servers.',
        );
      }
      const url = new URL(c.req.url);
      const check = verifySignature(signingSecret, {
        method: c.req.method,
        path: url.pathname + url.search,
        body: rawBody,
        headers: (name) => c.req.header(name),
      });
      if (!check.ok) throw new UnauthorizedError(check.reason);
      if (!(await claimNonce(db, check.nonce))) {
        throw new UnauthorizedError(
          'This request was already received once (replayed nonce); send a fresh request.',
        );
      }
    }
    return caller;
  }
}
