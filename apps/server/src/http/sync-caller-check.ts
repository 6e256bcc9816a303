// Whether a request to `/api/sync/*` carries credentials that `instance-sync/peer-auth.ts`
// would accept (an admin or user token, a peer token, or no token from an allowed address),
// without any of its other checks. The failed-authentication guard asks it for addresses over
// the limit, so that a valid peer behind a busy address is never refused; signatures are not
// checked here, because a signature failure is a 401 that the guard counts afterwards.
import type { Context } from 'hono';
import type { Database } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { findPrincipalByToken } from '../auth/user-store.js';
import { secretsEqual } from '../auth/tokens.js';
import type { SecretBox } from '../instance-sync/secret-box.js';
import { findPeerToken } from '../instance-sync/peer-token-store.js';
import { addressAllowed } from '../instance-sync/address-allowlist.js';
import { bearerToken } from './auth-middleware.js';
import { clientAddress } from './auth-failure-limiter.js';

export interface SyncCallerCheckOptions {
  db: Database;
  box: SecretBox;
  admin: { token: string; principal: Principal } | undefined;
  allowTokenlessFrom: readonly string[];
}

export function syncCallerCheck({ db, box, admin, allowTokenlessFrom }: SyncCallerCheckOptions) {
  return async (c: Context): Promise<boolean> => {
    const header = c.req.header('authorization');
    const token = bearerToken(header);
    // peer-auth decides tokenless callers by the socket address, never by a forwarded one.
    if (header === undefined) return addressAllowed(clientAddress(c), allowTokenlessFrom);
    if (!token) return false;
    if (admin && secretsEqual(token, admin.token)) return true;
    if (await findPrincipalByToken(db, token)) return true;
    return (await findPeerToken(db, box, token)) !== null;
  };
}
