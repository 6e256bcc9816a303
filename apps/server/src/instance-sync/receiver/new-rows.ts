// A `pg-text` body whose rows are all new here (the chunks of a first push) is written by one
// statement, straight from the stage: its rows inserted under the uids they were sent with,
// their references resolved, and the sender's ids mapped. The rows never come back to this
// process; only their ids do, for the answer.
//
// It is the path of `writeBatch` (batch-receiver.ts, row-apply.ts) for the one case where its
// rules all come to the same thing, and the statement checks under the repository's lock that
// the case is the one at hand. A body is taken only when every row is:
//  - plain (row-stage.ts `plainRow`: the schemas would take its values as staged) and live;
//  - new: its id not mapped for this peer (trusted or not), its uid held by no row of any
//    repository, no link waiting for it (links.ts), and both unique within the body;
//  - a document whose task, if it names one, is mapped to a task of this repository;
//  - carrying each reference (by uid) so that it resolves without a link: none, a target this
//    peer's id of it maps here (its uid here is written), or a uid no row of another repository
//    holds (the uid sent is written; the target takes it when it arrives, uid-references.ts).
// Any other body, or one that stops qualifying between the first look and the lock, goes the
// general way, which also reports rows that fail one by one. Compared with it, a full push's
// receiver spends about half the CPU (bench instance-sync, bench/README.md): no read-back of
// the rows, no lists of them built, sent and parsed, one round trip under the lock.
import { COPY_MAX_ROWS, type BatchUpsertResponse } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { probeOne } from '../../db/sql-lists.js';
import { lockRepository } from '../../db/repository-locks.js';
import { callerForRepository, type SyncCaller } from '../peer-auth/sync-caller.js';
import { findRepository } from './receiver.js';
import { pgTextStageName, plainRow, resolvedColumns, stageTable, type TableSpec } from './row-stage.js';
import { UID_REFERENCES, UID_REFERENCES_OF, type UidReferenceField } from './uid-references.js';

/** The wire field that carries the sender's id of each reference's target. */
const TARGET_ID_WIRE: Record<UidReferenceField, string> = {
  doc: 'doc_id',
  run_after: 'run_after',
  replaced_by: 'replaced_by',
};

/** The stage column of a wire field of `spec`, in the stage `s`. */
const wireStage = (spec: TableSpec, wire: string) => `s.${pgTextStageName(spec, wire)}`;

/**
 * sql-lists.ts `probeOne`, its columns null where no row matches: a probe, not a join or EXISTS,
 * which on tables a bulk copy is filling the planner ran as a hash of the whole table.
 */
const probe = (alias: string, columns: string, table: string, where: string) =>
  probeOne(table, alias, columns, where, undefined, true);

/**
 * The trusted mapping of this peer's id `idSql` of a `target` row (id-map.ts `lookupMappings`:
 * a row of this repository), as a LATERAL item `alias` with the row's `id` and `uid`.
 */
function mappedTarget(alias: string, target: 'task' | 'document', idSql: string): string {
  const table = target === 'task' ? 'tasks' : 'documents';
  return probe(
    alias,
    'r.id, r.uid',
    `sync_id_map m JOIN ${table} r ON r.id = m.local_id`,
    `m.peer_key = $2::text AND m.entity = '${target}' AND m.remote_id = ${idSql} AND r.repository_id = $1::bigint`,
  );
}

/** The statement for a body of `spec` rows carrying the references `carried` (see above). */
function newRowsStatement(spec: TableSpec, carried: readonly UidReferenceField[]): string {
  const id = wireStage(spec, `${spec.entity}_id`);
  const uid = wireStage(spec, 'uid');
  const joins = [
    probe(
      'own_map',
      '1 AS hit',
      'sync_id_map',
      `peer_key = $2::text AND entity = '${spec.entity}' AND remote_id = ${id}`,
    ),
    probe('own_uid', '1 AS hit', spec.table, `uid = ${uid}`),
    probe(
      'waiting',
      '1 AS hit',
      'sync_pending_links',
      `peer_key = $2::text AND target = '${spec.entity}' AND remote_id = ${id}`,
    ),
  ];
  const unfit = [
    `NOT ${plainRow(spec)}`,
    wireStage(spec, 'deleted'),
    'own_map.hit IS NOT NULL',
    'own_uid.hit IS NOT NULL',
    'waiting.hit IS NOT NULL',
  ];
  const outputs: string[] = [];
  for (const column of resolvedColumns(spec)) {
    // A document's task: the sender's id, resolved to ours; one not received fails the row there.
    const sent = wireStage(spec, column.name);
    const alias = `resolved_${column.name}`;
    joins.push(mappedTarget(alias, 'task', sent));
    unfit.push(`(${sent} IS NOT NULL AND ${alias}.id IS NULL)`);
    outputs.push(`${alias}.id AS ${column.name}`);
  }
  for (const field of carried) {
    const { column, target, table } = UID_REFERENCES[field];
    const sentUid = wireStage(spec, column);
    const alias = `ref_${field}`;
    joins.push(
      mappedTarget(alias, target, wireStage(spec, TARGET_ID_WIRE[field])),
      probe(`owner_${field}`, 'repository_id', table, `uid = ${sentUid}`),
    );
    // A uid held by a row of another repository: linked by the sender's id there, not here.
    unfit.push(
      `(${sentUid} IS NOT NULL AND ${alias}.uid IS NULL AND COALESCE(owner_${field}.repository_id <> $1::bigint, false))`,
    );
    outputs.push(
      `CASE WHEN ${sentUid} IS NULL THEN NULL ELSE COALESCE(${alias}.uid, ${sentUid}) END AS ${column}`,
    );
  }
  const referenceColumns = carried.map((field) => UID_REFERENCES[field].column);
  const columns = [...spec.columns.map((column) => column.name), ...referenceColumns];
  const values = [
    ...spec.columns.map((column) => (column.resolved ? `c.${column.name}` : `v.${column.name}`)),
    ...referenceColumns.map((column) => `c.${column}`),
  ];
  // Only the rows' keys, ids and references are gathered (the stage is read again by key for
  // the values): a chunk's megabytes of content never pass through a temporary result.
  return `WITH resolved AS MATERIALIZED (
      SELECT s.n, ${id} AS remote_id, ${uid} AS uid, ${outputs.map((output) => `${output}, `).join('')}
             COALESCE(${unfit.join(' OR ')}, true) AS unfit
        FROM ${stageTable(spec)} s
        ${joins.join('\n        ')}
       WHERE s.n >= $3::integer
    ),
    fit AS (
      SELECT count(*) BETWEEN 1 AND ${COPY_MAX_ROWS} AND NOT bool_or(unfit)
             AND count(DISTINCT remote_id) = count(*) AND count(DISTINCT uid) = count(*) AS ok
        FROM resolved
    ),
    inserted AS (
      INSERT INTO ${spec.table} (uid, repository_id, ${columns.join(', ')}, created_at, updated_at)
      SELECT c.uid, $1::bigint, ${values.join(', ')}, COALESCE(v.created_at, now()), COALESCE(v.updated_at, now())
        FROM resolved c
        CROSS JOIN LATERAL (SELECT * FROM ${stageTable(spec)} st WHERE st.n = c.n) v
       WHERE (SELECT ok FROM fit)
       ORDER BY c.n
      RETURNING id, uid
    ),
    mapped AS (
      INSERT INTO sync_id_map (peer_key, entity, remote_id, local_id)
      SELECT $2::text, '${spec.entity}', c.remote_id, i.id FROM inserted i JOIN resolved c ON c.uid = i.uid
    )
    SELECT c.remote_id, i.id AS local_id FROM inserted i JOIN resolved c ON c.uid = i.uid ORDER BY c.n`;
}

/** Whether every row staged from key `first` on is plain and live and none is mapped yet. */
function candidateStatement(spec: TableSpec): string {
  const id = wireStage(spec, `${spec.entity}_id`);
  return `SELECT count(*)::int AS rows FROM ${stageTable(spec)} s
           ${probe('own_map', '1 AS hit', 'sync_id_map', `peer_key = $1::text AND entity = '${spec.entity}' AND remote_id = ${id}`)}
           WHERE s.n >= $2::integer
             AND COALESCE(NOT ${plainRow(spec)} OR ${wireStage(spec, 'deleted')} OR own_map.hit IS NOT NULL, true)`;
}

const statements = new Map<string, string>();

/**
 * Writes the rows of the `pg-text` body staged from key `first` on (copyPgText) if they are
 * all new here (see above), and answers as `writeBatch` would; answers null, having written
 * nothing, for a body that must go the general way. `columns` are the body's.
 */
export async function writeNewRows(
  tx: Queryable,
  caller: SyncCaller,
  repositoryId: number,
  spec: TableSpec,
  columns: readonly string[],
  first: number,
): Promise<BatchUpsertResponse | null> {
  caller = callerForRepository(caller, repositoryId);
  // A first look before the lock: a body of rows already here (a re-push) goes its way at once,
  // without holding the lock for a statement that would write nothing.
  const [seen] = await tx.query<{ rows: number }>(candidateStatement(spec), [caller.peerKey, first]);
  if (Number(seen?.rows ?? 1) > 0) return null;
  const carried = UID_REFERENCES_OF[spec.table].filter((field) =>
    columns.includes(UID_REFERENCES[field].column),
  );
  const key = `${spec.table}:${carried.join(',')}`;
  const statement = statements.get(key) ?? statements.set(key, newRowsStatement(spec, carried)).get(key)!;
  const localRepositoryId = await findRepository(tx, caller, repositoryId);
  // The lock, the savepoint and the statement go out together; the statement runs once the lock
  // is granted. A row written meanwhile by another repository's writer under a uid of this body
  // fails the statement: it is undone, and the body goes the general way.
  let written: { remote_id: number; local_id: number }[];
  let lockFailure: { error: unknown } | undefined;
  try {
    [, , written] = await Promise.all([
      tx.query('SAVEPOINT sync_new_rows'),
      lockRepository(tx, localRepositoryId).catch((error: unknown) => {
        lockFailure = { error };
        throw error;
      }),
      tx.query<{ remote_id: number; local_id: number }>(statement, [
        localRepositoryId,
        caller.peerKey,
        first,
      ]),
    ]);
  } catch {
    await tx.query('ROLLBACK TO SAVEPOINT sync_new_rows');
    // The lock's own failure (a cancelled or timed-out wait) is the request's, not the body's.
    if (lockFailure) throw lockFailure.error;
    return null;
  }
  if (written.length === 0) return null;
  const outcomes = written.map((row) => ({
    id: Number(row.remote_id),
    local_id: Number(row.local_id),
    result: 'created' as const,
  }));
  return {
    repository_id: localRepositoryId,
    tasks: spec.table === 'tasks' ? outcomes : [],
    documents: spec.table === 'documents' ? outcomes : [],
  };
}
