// The items of a sync session: one row per repository, task or document a session copied or
// failed to copy, with its outcome, written as the session goes and read by its history page.
import type { RowResult, SyncItem, SyncSessionDetail } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { isoTime } from '../../db/row.js';
import type { SyncEntity } from '../wire/id-map.js';
import { getSession, RELAXED_COMMIT } from './session-store.js';

export interface ItemRecord {
  entity: SyncEntity;
  title: string;
  status: RowResult;
  sourceId: number | null;
  targetId: number | null;
  error: string | null;
  startedAt: string;
}

/** Appends outcomes to a session; a title is cut to 500 characters. */
export async function addItems(
  db: Queryable,
  sessionId: string,
  items: readonly ItemRecord[],
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `WITH ${RELAXED_COMMIT}
     INSERT INTO sync_items (session_id, entity, title, status, source_id, target_id, error, started_at)
     SELECT $1, x.entity, x.title, x.status, x.source_id, x.target_id, x.error, x.started_at
       FROM relaxed_commit, jsonb_to_recordset($2::jsonb->'v') AS x(entity text, title text, status text, source_id bigint, target_id bigint, error text, started_at timestamptz)`,
    [
      sessionId,
      {
        v: items.map((item) => ({
          entity: item.entity,
          title: item.title.slice(0, 500),
          status: item.status,
          source_id: item.sourceId,
          target_id: item.targetId,
          error: item.error,
          started_at: item.startedAt,
        })),
      },
    ],
  );
}

/** The session with one page of its items, in the order they were written. */
export async function getSessionDetail(
  db: Queryable,
  id: string,
  page: { item_limit: number; item_offset: number },
): Promise<SyncSessionDetail> {
  const session = await getSession(db, id);
  const rows = await db.query(
    'SELECT * FROM sync_items WHERE session_id = $1 ORDER BY id LIMIT $2 OFFSET $3',
    [id, page.item_limit, page.item_offset],
  );
  const items: SyncItem[] = rows.map((row) => ({
    id: Number(row.id),
    entity: row.entity as SyncItem['entity'],
    title: String(row.title),
    status: row.status as SyncItem['status'],
    source_id: row.source_id === null ? null : Number(row.source_id),
    target_id: row.target_id === null ? null : Number(row.target_id),
    error: row.error === null ? null : String(row.error),
    started_at: isoTime(row.started_at),
    finished_at: isoTime(row.finished_at),
  }));
  return { ...session, items };
}
