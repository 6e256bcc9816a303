// Repositories: the SQL behind the REST API and the lookups other modules share.
import {
  ERROR_REASONS,
  REPOSITORY_FIELDS,
  type Page,
  type Repository,
  type RepositoryCreate,
  type RepositoryUpdate,
} from '@wikisync/shared';
import { randomUid } from '../db/uid.js';
import { type Database, type Queryable, writeTransaction } from '../db/database.js';
import { restStoreColumns } from '../db/field-rows.js';
import { lockRepository } from '../db/repository-locks.js';
import { requireVersion, splitVersion, updateIfVersion, type Versioned } from '../db/compare-and-set.js';
import { buildAssignments, buildInsert } from '../db/sql.js';
import type { Principal } from '../auth/principal.js';
import { readableRepositoryCondition, requireRead, requireWrite } from '../auth/access.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { tombstoneRepositoryContents } from './repository-tombstones.js';

const STORE = restStoreColumns<Repository>(REPOSITORY_FIELDS);

/** The columns of a repository on the REST API (and in `repository-upsert`, the same fields). */
export const REPOSITORY_COLUMNS = STORE.columns;
const toRepository = STORE.fromRow;

export async function listRepositories(
  db: Queryable,
  principal: Principal,
  page: { limit: number; offset: number },
): Promise<Page<Repository>> {
  const visible = readableRepositoryCondition(principal, 'id', 3);
  const rows = await db.query(
    `SELECT ${REPOSITORY_COLUMNS} FROM repositories
      WHERE NOT deleted AND ${visible.sql}
      ORDER BY name, id LIMIT $1 OFFSET $2`,
    [page.limit, page.offset, ...visible.params],
  );
  const visibleForCount = readableRepositoryCondition(principal, 'id', 1);
  const counted = await db.query<{ total: number }>(
    `SELECT count(*) AS total FROM repositories WHERE NOT deleted AND ${visibleForCount.sql}`,
    visibleForCount.params,
  );
  return { items: rows.map(toRepository), total: counted[0]?.total ?? 0, ...page };
}

async function findVersionedRepository(db: Queryable, id: number): Promise<Versioned<Repository>> {
  const rows = await db.query(
    `SELECT ${REPOSITORY_COLUMNS}, server_version FROM repositories WHERE id = $1 AND NOT deleted`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`Repository ${id}`);
  const { fields, version } = splitVersion(row);
  return { row: toRepository(fields), version };
}

async function findLiveRepository(db: Queryable, id: number): Promise<Repository> {
  return (await findVersionedRepository(db, id)).row;
}

/** The live repository with its version (the ETag of GET /api/repositories/:id). */
export async function getVersionedRepository(
  db: Queryable,
  principal: Principal,
  id: number,
): Promise<Versioned<Repository>> {
  const repository = await findVersionedRepository(db, id);
  await requireRead(db, principal, id);
  return repository;
}

/** The live (not deleted) repository with this id; NotFound when missing or unreadable. */
export async function getRepository(db: Queryable, principal: Principal, id: number): Promise<Repository> {
  return (await getVersionedRepository(db, principal, id)).row;
}

/**
 * Before a write: NotFound when the repository is gone or unreadable (naming `hidden`, the
 * row the caller asked for), Forbidden when it is readable but not writable.
 */
export async function requireWritableRepository(
  db: Queryable,
  principal: Principal,
  id: number,
  hidden?: string,
): Promise<Repository> {
  const repository = await findLiveRepository(db, id);
  await requireWrite(db, principal, id, hidden);
  return repository;
}

export async function createRepository(
  db: Database,
  principal: Principal,
  input: RepositoryCreate,
): Promise<Repository> {
  return writeTransaction(db, async (tx) => {
    const uid = input.uid ?? randomUid();
    const taken = await tx.query('SELECT 1 FROM repositories WHERE uid = $1', [uid]);
    if (taken.length > 0)
      throw new ConflictError(`A repository with uid "${uid}" already exists; use another uid.`, undefined, {
        reason: ERROR_REASONS.uidExists,
        params: { collection: 'repository', uid },
      });
    const insert = buildInsert('repositories', STORE.create, { ...input, uid });
    const rows = await tx.query(`${insert.sql} RETURNING ${REPOSITORY_COLUMNS}`, insert.params);
    const repository = toRepository(rows[0]!);
    // Whoever creates a repository may go on writing it.
    if (!principal.isAdmin) {
      await tx.query(
        `INSERT INTO repository_grants (user_id, repository_id, access) VALUES ($1, $2, 'write')`,
        [principal.userId, repository.id],
      );
    }
    return repository;
  });
}

/**
 * Writes `patch`; with `expectedVersion` (a PATCH's If-Match) only if the repository still has
 * that version, else 412 with the repository as it is now (db/compare-and-set.ts).
 */
export async function updateRepository(
  db: Database,
  principal: Principal,
  id: number,
  patch: RepositoryUpdate,
  expectedVersion?: number,
): Promise<Versioned<Repository>> {
  return writeTransaction(db, async (tx) => {
    await lockRepository(tx, id);
    await requireWritableRepository(tx, principal, id);
    requireVersion(`Repository ${id}`, await findVersionedRepository(tx, id), expectedVersion);
    const set = buildAssignments(patch, STORE.update, 2);
    await updateIfVersion(
      tx,
      { table: 'repositories', ...set },
      id,
      expectedVersion,
      `Repository ${id}`,
      () => findVersionedRepository(tx, id),
    );
    return findVersionedRepository(tx, id);
  });
}

/** Deletes leave tombstones (replicas must learn of them), for the repository and its contents. */
export async function deleteRepository(db: Database, principal: Principal, id: number): Promise<void> {
  await writeTransaction(db, async (tx) => {
    await lockRepository(tx, id);
    await requireWritableRepository(tx, principal, id);
    await tombstoneRepositoryContents(tx, id);
    await tx.query('UPDATE repositories SET deleted = true, updated_at = now() WHERE id = $1', [id]);
  });
}
