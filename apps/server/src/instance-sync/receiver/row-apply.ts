// The one place where rows from another server are written: receiver endpoints, batches,
// pulls and file imports all come here. Set-based (one INSERT and one UPDATE per batch) so
// that thousands of rows cost a few statements, and mapped by (peer, the peer's id) so that
// running a sync again updates the same rows instead of adding copies. Callers hold a
// `writeTransaction`, so every write is stamped with a server_version like any other. The
// rows come from the stage (row-stage.ts).
//
// A batch costs two round trips: its reads go out together, and then its writes, each
// statement sent without waiting for the one before (the driver pipelines them, and the
// database runs them in order). Callers hold the repository's lock, and every round trip
// under it waits for this process's event loop, which on a busy receiver is other requests'
// parsing: a batch of tasks used to make ten.
import { idList } from '../../db/sql-lists.js';
import type { RowResult } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { randomUid } from '../../db/uid.js';
import { localIds, lookupMappings, saveMappings } from '../wire/id-map.js';
import { setTakenLinks, takePending, uidOwners, type PendingLink } from './links.js';
import {
  RENAMED_REFERENCES,
  UID_REFERENCES_OF,
  UID_REFERENCES,
  type UidReferenceColumn,
} from './uid-references.js';
import {
  listRecord,
  stagedSource,
  stageRows,
  valueOf,
  type IncomingRow,
  type TableSpec,
} from './row-stage.js';

/** What `applyRows` reads before it writes: the rows' mappings and the owners of their uids. */
export interface RowsRead {
  mapped: Map<number, number>;
  /** The peer's ids whose mapping is there but not trusted (id-map.ts `lookupMappings`). */
  untrusted: Set<number>;
  owners: Awaited<ReturnType<typeof uidOwners>>;
}

/**
 * The reads `applyRows` starts with. A caller under the repository's lock may send them with
 * its own reads, a round trip before the writes (they depend only on the rows' ids and uids).
 */
export function readRows(
  tx: Queryable,
  spec: TableSpec,
  peerKey: string,
  localRepositoryId: number,
  rows: readonly IncomingRow[],
): Promise<RowsRead> {
  // Loops and filters rather than flatMap, here and below: V8 runs flatMap about ten times
  // slower, which for the 21,500 rows of a full push was tens of milliseconds of the receiver.
  const remoteIds = rows.filter((row) => row.remoteId !== null).map((row) => row.remoteId!);
  // The owners of every sent uid, asked beside the mapping rather than after it: only the
  // unmapped rows' owners are used (adopt by uid: the same global row, e.g. one we sent to
  // this peer earlier).
  const sentUids = [...new Set(rows.filter((row) => row.uid).map((row) => row.uid!))];
  return Promise.all([
    lookupMappings(tx, peerKey, spec.entity, remoteIds, localRepositoryId),
    uidOwners(tx, spec.table, sentUids),
  ]).then(([{ rows, untrusted }, owners]) => ({ mapped: localIds(rows), untrusted, owners }));
}

export interface AppliedRow {
  remoteId: number | null;
  localId: number | null;
  result: RowResult;
}

/**
 * Applies rows to one local repository for one peer. Mapped rows are updated (only when a
 * value differs, so an unchanged row keeps its server_version); unmapped rows whose uid names
 * a row of this repository adopt it (a copy coming back home); the rest are inserted with the
 * sent uid when it is free. Tombstones delete mapped rows and are skipped otherwise. A row
 * sent without an id is mapped under our own id, the one the sender learns from our answer.
 */
export async function applyRows(
  tx: Queryable,
  spec: TableSpec,
  peerKey: string,
  localRepositoryId: number,
  rows: readonly IncomingRow[],
  /** `readRows` of these rows (or more), sent ahead by a caller that holds the lock. */
  read?: Promise<RowsRead>,
): Promise<AppliedRow[]> {
  await stageRows(tx, spec, rows);
  const results: AppliedRow[] = rows.map((row) => ({
    remoteId: row.remoteId,
    localId: null,
    result: 'skipped',
  }));
  const { mapped, untrusted, owners } = await (read ?? readRows(tx, spec, peerKey, localRepositoryId, rows));

  // Every local id below was checked to belong to `localRepositoryId` (mapping or uid owner),
  // so the statements need not filter by repository, which keeps their plans simple.
  const updates: { index: number; localId: number }[] = [];
  const inserts: { index: number; uid: string }[] = [];
  const deletes: { index: number; localId: number }[] = [];
  const adopted: { remoteId: number; localId: number }[] = [];
  const usedUids = new Set<string>();
  rows.forEach((row, index) => {
    let localId = row.remoteId === null ? undefined : mapped.get(row.remoteId);
    if (localId === undefined && row.uid) {
      const owner = owners.get(row.uid);
      if (owner && owner.repositoryId === localRepositoryId) {
        localId = owner.id;
        adopted.push({ remoteId: row.remoteId ?? localId, localId });
      }
    }
    if (row.deleted) {
      if (localId !== undefined) deletes.push({ index, localId });
      return;
    }
    if (localId !== undefined) {
      updates.push({ index, localId });
      return;
    }
    const sentUidFree = row.uid !== undefined && !owners.has(row.uid) && !usedUids.has(row.uid);
    const uid = sentUidFree ? row.uid! : randomUid();
    usedUids.add(uid);
    inserts.push({ index, uid });
  });

  // The writes, sent together. Links that waited for these rows name them by the peer's id
  // (links.ts), so they are taken now, and set once the rows' local ids are known.
  const writes: Promise<unknown>[] = [];
  /** The inserted rows the peer named, by their uids: mapped in the insert's own statement. */
  const named: { uid: string; remote_id: number }[] = [];
  for (const { index, uid } of inserts) {
    const remoteId = rows[index]!.remoteId;
    if (remoteId !== null) named.push({ uid, remote_id: remoteId });
  }
  const waitingFor = [...named.map((row) => row.remote_id), ...adopted.map((pair) => pair.remoteId)];
  let waiting: PendingLink[] = [];
  if (waitingFor.length > 0)
    writes.push(takePending(tx, peerKey, spec.entity, waitingFor).then((taken) => (waiting = taken)));
  const pairs: { remoteId: number; localId: number }[] = [...adopted];
  /** Rows inserted without the peer's id, mapped under ours once it is known. */
  const unnamed: { remoteId: number; localId: number }[] = [];
  if (adopted.length > 0) writes.push(saveMappings(tx, peerKey, spec.entity, adopted));
  // A row's references sent with it by uid are written with it, not linked afterwards
  // (uid-references.ts): each travels in the list as `<column>_ref`, and `<column>_set` says
  // whether the row carries it at all.
  const carried = UID_REFERENCES_OF[spec.table]
    .map((field) => UID_REFERENCES[field].column)
    .filter((column) => rows.some((row) => row.uidReferences?.[column] !== undefined));
  const columnNames = [...spec.columns.map((column) => column.name), ...carried];
  const values = [...spec.columns.map(valueOf), ...carried.map((column) => `x.${column}_ref`)];
  const referenceRecord = (row: IncomingRow) => {
    const record: Record<string, unknown> = {};
    for (const column of carried) {
      const uid = row.uidReferences?.[column];
      record[`${column}_ref`] = uid ?? null;
      record[`${column}_set`] = uid !== undefined;
    }
    return record;
  };
  const refColumns = carried.map((column) => `, ${column}_ref text, ${column}_set boolean`).join('');
  if (inserts.length > 0) {
    const insert = `INSERT INTO ${spec.table} (uid, repository_id, ${columnNames.join(', ')}, created_at, updated_at)
           SELECT x.uid, $2::bigint, ${values.join(', ')}, COALESCE(s.created_at, now()), COALESCE(s.updated_at, now())
             FROM ${stagedSource(spec, `uid text${refColumns}`)}
           RETURNING id, uid`;
    const list = {
      v: inserts.map(({ index, uid }) =>
        listRecord(spec, rows[index]!, { uid, ...referenceRecord(rows[index]!) }),
      ),
    };
    writes.push(
      tx
        .query<{ id: number; uid: string }>(
          // The rows the peer named are mapped in the same statement, joined to what the insert
          // returned by their uids (a uid names one row), not looked up again in the table.
          named.length === 0
            ? insert
            : `WITH inserted AS (${insert}),
                    mapped AS (${mapInserted(
                      '$3',
                      '$4',
                      '$5',
                      named.some((row) => untrusted.has(row.remote_id)),
                    )})
               SELECT id, uid FROM inserted`,
          named.length === 0
            ? [list, localRepositoryId]
            : [list, localRepositoryId, peerKey, spec.entity, { v: named }],
        )
        .then((created) => {
          // Every insert reads its values from the stage; a row missing there would vanish silently.
          if (created.length !== inserts.length)
            throw new Error(`${inserts.length - created.length} ${spec.table} rows were not staged`);
          const idByUid = new Map(created.map((row) => [row.uid, Number(row.id)]));
          for (const { index, uid } of inserts) {
            const localId = idByUid.get(uid)!;
            const remoteId = rows[index]!.remoteId;
            results[index] = { remoteId, localId, result: 'created' };
            // A sender that sent no id (0: "assign one", as openDeepWiki's receiver reads it)
            // names the row by the id we answer with from now on, so that id is mapped for it.
            if (remoteId === null) unnamed.push({ remoteId: localId, localId });
            else pairs.push({ remoteId, localId });
          }
        }),
    );
  }

  if (updates.length > 0) {
    // A row that does not carry a reference keeps the one it has.
    const updateValues = values.map((value, i) => {
      const column = columnNames[i]!;
      return carried.includes(column as UidReferenceColumn)
        ? `CASE WHEN x.${column}_set THEN x.${column}_ref ELSE t.${column} END`
        : value;
    });
    writes.push(
      tx
        .query<{ id: number }>(
          `UPDATE ${spec.table} AS t
              SET ${columnNames.map((name, i) => `${name} = ${updateValues[i]}`).join(', ')}, deleted = false,
                  updated_at = COALESCE(s.updated_at, now())
             FROM ${stagedSource(spec, `id bigint${refColumns}`)}
            WHERE t.id = x.id
              AND ((${columnNames.map((name) => `t.${name}`).join(', ')}) IS DISTINCT FROM (${updateValues.join(', ')})
                   OR t.deleted OR (s.updated_at IS NOT NULL AND t.updated_at IS DISTINCT FROM s.updated_at))
           RETURNING t.id`,
          [
            {
              v: updates.map(({ index, localId }) =>
                listRecord(spec, rows[index]!, { id: localId, ...referenceRecord(rows[index]!) }),
              ),
            },
          ],
        )
        .then((changed) => {
          const changedIds = new Set(changed.map((row) => Number(row.id)));
          for (const { index, localId } of updates) {
            results[index] = {
              remoteId: rows[index]!.remoteId,
              localId,
              result: changedIds.has(localId) ? 'updated' : 'unchanged',
            };
          }
        }),
    );
  }

  if (deletes.length > 0) {
    const ids = { v: deletes.map((entry) => entry.localId) };
    if (spec.table === 'documents') {
      // A task must not keep pointing at a document that is gone.
      writes.push(
        tx.query(
          `UPDATE tasks SET doc_uid = NULL, updated_at = now()
            WHERE NOT deleted AND doc_uid IN (SELECT d.uid FROM documents d JOIN ${idList('$1')} ids ON ids.id = d.id)`,
          [ids],
        ),
      );
    }
    writes.push(
      tx
        .query<{ id: number }>(
          `UPDATE ${spec.table} AS t SET deleted = true, updated_at = now()
             FROM ${idList('$1')} ids WHERE t.id = ids.id AND NOT t.deleted
           RETURNING t.id`,
          [ids],
        )
        .then((gone) => {
          const goneIds = new Set(gone.map((row) => Number(row.id)));
          for (const { index, localId } of deletes) {
            results[index] = {
              remoteId: rows[index]!.remoteId,
              localId,
              result: goneIds.has(localId) ? 'deleted' : 'unchanged',
            };
          }
        }),
    );
  }
  await Promise.all(writes);

  // A row may name another by the uid its sender gave it before that one arrives
  // (uid-references.ts). One written here under another uid (its own was taken) is named by
  // that one now, in this repository only.
  const renamed: { sent: string; uid: string }[] = [];
  for (const { index, uid } of inserts) {
    const sent = rows[index]!.uid;
    if (sent && sent !== uid) renamed.push({ sent, uid });
  }
  if (renamed.length > 0) {
    await Promise.all(
      RENAMED_REFERENCES[spec.table].map(({ table, column }) =>
        tx.query(
          `UPDATE ${table} AS t SET ${column} = x.uid
             FROM jsonb_to_recordset($1::jsonb->'v') AS x(sent text, uid text)
            WHERE t.repository_id = $2::bigint AND t.${column} = x.sent`,
          [{ v: renamed }, localRepositoryId],
        ),
      ),
    );
  }

  if (unnamed.length > 0) {
    const [, taken] = await Promise.all([
      saveMappings(tx, peerKey, spec.entity, unnamed),
      takePending(
        tx,
        peerKey,
        spec.entity,
        unnamed.map((pair) => pair.remoteId),
      ),
    ]);
    waiting = [...waiting, ...taken];
  }
  await setTakenLinks(tx, spec.entity, localRepositoryId, waiting, [...pairs, ...unnamed]);
  return results;
}

/**
 * The statement that maps the peer's ids of rows just inserted (the CTE `inserted`, with
 * their `id` and `uid`) from a `{v: [{uid, remote_id}]}` list. A mapping that is there already
 * (`replace`: one not trusted, to another repository's row or to none) is replaced. Otherwise
 * the rows are only inserted: an upsert checks each key before its insert checks it again, a
 * third more work per row under the repository's lock (bench instance-sync). Should one be
 * there after all, the insert fails, and the batch is retried row by row, each read afresh.
 */
function mapInserted(peerKey: string, entity: string, named: string, replace: boolean): string {
  return `INSERT INTO sync_id_map (peer_key, entity, remote_id, local_id)
     SELECT ${peerKey}::text, ${entity}::text, x.remote_id, i.id
       FROM inserted i JOIN jsonb_to_recordset(${named}::jsonb->'v') AS x(uid text, remote_id bigint) ON x.uid = i.uid${
         replace
           ? '\n     ON CONFLICT (peer_key, entity, remote_id) DO UPDATE SET local_id = EXCLUDED.local_id'
           : ''
       }`;
}
