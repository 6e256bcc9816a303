// The receiver side of PROTOCOL.md §2 for repositories: what `repository-upsert` and
// `repository-clear` do, and how a peer's repository id finds ours. The per-call row
// endpoints are in row-calls.ts, `batch-upsert` in batch-receiver.ts. Every id a peer sends
// is looked up through the peer's own mapping (see id-map.ts), so a row that only shares a
// number with the peer's id is never touched.
import { REPOSITORY_FIELDS, safeHttpUrlOrEmpty, type RepositoryUpsertRequest } from '@wikisync/shared';
import { type Database, type Queryable, writeTransaction } from '../../db/database.js';
import { randomUid } from '../../db/uid.js';
import { instanceSyncValueColumns } from '../../db/field-rows.js';
import { lockRepository } from '../../db/repository-locks.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { isMappedLocal, lookupMapped, saveMappings } from '../wire/id-map.js';
import { tombstoneRepositoryContents } from '../../repositories/repository-tombstones.js';
import {
  callerForRepository,
  requireAnyRepository,
  requireRepository,
  type SyncCaller,
} from '../peer-auth/sync-caller.js';

/** The columns a peer's `repository-upsert` sets, under their wire names. */
const UPSERT_COLUMNS = instanceSyncValueColumns(REPOSITORY_FIELDS) as (keyof RepositoryUpsertRequest)[];
/** `$first, $first+1, …`: one placeholder per upserted column, after the statement's own. */
const upsertPlaceholders = (first: number) => UPSERT_COLUMNS.map((_, index) => `$${index + first}`);

/**
 * Whether this peer may take over our repository `localId`, which it names by uid but did not
 * create here. A peer token for every repository must not claim (rename, clear) a repository
 * this server's people made, so that needs: an admin or the operator's scoping of the token to
 * it, a mapping it already has, or a copy coming home (it pulled the repository from us, or
 * we pushed it to that same instance).
 */
async function mayAdoptRepository(tx: Queryable, caller: SyncCaller, localId: number): Promise<boolean> {
  if (caller.kind === 'admin') return true;
  if (caller.repositoryIds?.includes(localId)) return true;
  if (await isMappedLocal(tx, caller.peerKey, 'repository', localId)) return true;
  const exported = await tx.query('SELECT 1 FROM sync_exports WHERE peer_key = $1 AND repository_id = $2', [
    caller.peerKey,
    localId,
  ]);
  if (exported.length > 0) return true;
  if (!caller.peerKey.startsWith('instance:')) return false;
  const sent = await tx.query(
    `SELECT 1 FROM sync_sent_map m JOIN sync_targets t ON t.id = m.target_id
      WHERE m.entity = 'repository' AND m.local_id = $1 AND t.instance_uid = $2 LIMIT 1`,
    [localId, caller.peerKey.slice('instance:'.length)],
  );
  return sent.length > 0;
}

/** What `repository-upsert` did. */
export interface UpsertedRepository {
  repository_id: number;
  name: string;
  result: 'created' | 'updated' | 'unchanged';
  /** The peer's url was not http(s) and was stored empty (it ends up in every reader's link). */
  url_emptied: boolean;
}

export function upsertRepository(
  db: Database,
  caller: SyncCaller,
  input: RepositoryUpsertRequest,
): Promise<UpsertedRepository> {
  return writeTransaction(db, (tx) => upsertRepositoryIn(tx, caller, input));
}

/**
 * `repository-upsert` in the caller's transaction (a `batch-upsert` that carries the
 * repository writes it before its rows), leaving the repository locked when it was there.
 */
export async function upsertRepositoryIn(
  tx: Queryable,
  caller: SyncCaller,
  input: RepositoryUpsertRequest,
): Promise<UpsertedRepository> {
  caller = callerForRepository(caller, input.repository_id);
  const mapped = await lookupMapped(tx, caller.peerKey, 'repository', [input.repository_id]);
  let localId = mapped.get(input.repository_id);
  if (localId === undefined && input.uid) {
    const owner = await tx.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [input.uid]);
    if (owner[0]) {
      localId = Number(owner[0].id);
      requireRepository(caller, localId);
      await lockRepository(tx, localId);
      if (!(await mayAdoptRepository(tx, caller, localId)))
        throw new ForbiddenError(
          `Repository uid "${input.uid}" names a repository that already exists on this server and was not received from you; ` +
            'a peer may only write repositories it created here. Ask this server’s operator for a peer token scoped to that repository.',
        );
      await saveMappings(tx, caller.peerKey, 'repository', [{ remoteId: input.repository_id, localId }]);
    }
  }
  const url = safeHttpUrlOrEmpty(input.url);
  const url_emptied = url !== input.url;
  const values = UPSERT_COLUMNS.map((field) => (field === 'url' ? url : input[field]));
  if (localId === undefined) {
    requireAnyRepository(caller);
    const taken = input.uid ? await tx.query('SELECT 1 FROM repositories WHERE uid = $1', [input.uid]) : [];
    const uid = input.uid && taken.length === 0 ? input.uid : randomUid();
    const rows = await tx.query<{ id: number }>(
      `INSERT INTO repositories (uid, created_at, updated_at, ${UPSERT_COLUMNS.join(', ')})
       VALUES ($1, COALESCE($2::timestamptz, now()), COALESCE($3::timestamptz, now()), ${upsertPlaceholders(4).join(', ')})
       RETURNING id`,
      [uid, input.created_at, input.updated_at, ...values],
    );
    const createdId = Number(rows[0]!.id);
    await saveMappings(tx, caller.peerKey, 'repository', [
      { remoteId: input.repository_id, localId: createdId },
    ]);
    return { repository_id: createdId, name: input.name, result: 'created', url_emptied };
  }
  requireRepository(caller, localId);
  const placeholders = upsertPlaceholders(3);
  // The lock goes out with the update, which the database runs once it is granted.
  const [, changed] = await Promise.all([
    lockRepository(tx, localId),
    tx.query(
      `UPDATE repositories SET ${UPSERT_COLUMNS.map((field, index) => `${field} = ${placeholders[index]}`).join(', ')},
            deleted = false, updated_at = COALESCE($2::timestamptz, now())
      WHERE id = $1 AND ((${UPSERT_COLUMNS.join(', ')}) IS DISTINCT FROM (${placeholders.join(', ')})
            OR deleted OR ($2::timestamptz IS NOT NULL AND updated_at IS DISTINCT FROM $2::timestamptz))
      RETURNING id`,
      [localId, input.updated_at, ...values],
    ),
  ]);
  return {
    repository_id: localId,
    name: input.name,
    result: changed.length > 0 ? 'updated' : 'unchanged',
    url_emptied,
  };
}

/**
 * Our repository for the peer's `repository_id`, not locked yet (`resolveRepository` locks
 * it). openDeepWiki's first design sent the id the receiver answered with instead, so our own
 * id is accepted too, but only for a repository this peer created or adopted here.
 */
export async function findRepository(
  tx: Queryable,
  caller: SyncCaller,
  remoteRepositoryId: number,
): Promise<number> {
  const mapped = await lookupMapped(tx, caller.peerKey, 'repository', [remoteRepositoryId]);
  let localId = mapped.get(remoteRepositoryId);
  if (localId === undefined && (await isMappedLocal(tx, caller.peerKey, 'repository', remoteRepositoryId)))
    localId = remoteRepositoryId;
  if (localId === undefined)
    throw new NotFoundError(
      `Repository ${remoteRepositoryId} of this peer (send repository-upsert for it first)`,
    );
  requireRepository(caller, localId);
  return localId;
}

/**
 * Our repository for the peer's `repository_id` (`findRepository`), locked: a receive reads
 * the repository's mapped rows to decide what to write, so it has them to itself.
 */
export async function resolveRepository(
  tx: Queryable,
  caller: SyncCaller,
  remoteRepositoryId: number,
): Promise<number> {
  const localId = await findRepository(tx, caller, remoteRepositoryId);
  await lockRepository(tx, localId);
  return localId;
}

/** Tombstones every task and document of the repository; mappings stay, so rows come back. */
export async function clearRepository(
  db: Database,
  caller: SyncCaller,
  remoteRepositoryId: number,
): Promise<number> {
  caller = callerForRepository(caller, remoteRepositoryId);
  return writeTransaction(db, async (tx) => {
    const localId = await resolveRepository(tx, caller, remoteRepositoryId);
    await clearLocalRepository(tx, localId);
    return localId;
  });
}

/** `repository-clear`: the peer's copy starts over, so this server's copy is tombstoned first. */
export async function clearLocalRepository(tx: Queryable, localRepositoryId: number): Promise<void> {
  await tombstoneRepositoryContents(tx, localRepositoryId);
}
