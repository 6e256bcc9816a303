// Who is calling /api/sync, resolved once per request by `peer-auth.ts`.
import type { SyncScope } from '@wikisync/shared';
import { ForbiddenError } from '../../errors.js';

export interface SyncCaller {
  kind: 'admin' | 'peer-token' | 'tokenless';
  /** For "started by" and logs; never a secret. */
  name: string;
  scopes: ReadonlySet<SyncScope>;
  /** Local repositories the caller may touch; null means all. */
  repositoryIds: readonly number[] | null;
  /** The identity the receiver maps this caller's ids by (see sync_id_map). */
  peerKey: string;
}

export interface SyncEnv {
  Variables: {
    syncCaller: SyncCaller;
    /** The body bytes as received (signatures cover them); decoded by `sync-body.ts`. */
    /** The body's bytes as they arrived, in parts (signatures are over their concatenation). */
    rawBody: readonly Uint8Array[];
  };
}

/**
 * The caller as the receiver maps the ids of one of its repositories. A tokenless peer is
 * known only by its address, and two openDeepWiki servers behind one address number their
 * tasks and documents alike (1, 2, …), so their ids are kept apart per sending repository
 * ("address:<ip>#repo:<its repository id>"). Every other caller is one instance already.
 */
export function callerForRepository(caller: SyncCaller, remoteRepositoryId: number): SyncCaller {
  if (caller.kind !== 'tokenless') return caller;
  return { ...caller, peerKey: `${caller.peerKey}#repo:${remoteRepositoryId}` };
}

const SCOPE_WORDS: Record<SyncScope, string> = {
  receive: 'receive data (push into this server)',
  export: 'export data (pull from this server)',
  initiate: 'start and watch syncs on this server',
};

export function requireScope(caller: SyncCaller, scope: SyncScope): void {
  if (!caller.scopes.has(scope)) {
    throw new ForbiddenError(
      `This token may not ${SCOPE_WORDS[scope]}; ask the operator for a token with the "${scope}" scope.`,
    );
  }
}

export function mayTouchRepository(caller: SyncCaller, localRepositoryId: number): boolean {
  return caller.repositoryIds === null || caller.repositoryIds.includes(localRepositoryId);
}

export function requireRepository(caller: SyncCaller, localRepositoryId: number): void {
  if (!mayTouchRepository(caller, localRepositoryId)) {
    throw new ForbiddenError(
      `This token is not scoped to repository ${localRepositoryId}; ask the operator to add it.`,
    );
  }
}

/** Creating a repository needs a token not limited to a list of repositories. */
export function requireAnyRepository(caller: SyncCaller): void {
  if (caller.repositoryIds !== null) {
    throw new ForbiddenError(
      'This token is scoped to certain repositories and may not create new ones; ask the operator for an unscoped token.',
    );
  }
}
