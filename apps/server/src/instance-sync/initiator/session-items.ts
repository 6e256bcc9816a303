// The items of a sync session: one row per repository, task or document a session copied or
// failed to copy, with its outcome, written as the session goes and read by its history page.
import type { RowResult, SyncItem, SyncSessionDetail } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';
import { isoTime } from '../../db/row.js';
import type { SyncEntity } from '../wire/id-map.js';
import { copyText, lineBytes } from '../wire/line-bytes.js';
import { getSession } from './session-store.js';

export interface ItemRecord {
  entity: SyncEntity;
  title: string;
  status: RowResult;
  sourceId: number | null;
  targetId: number | null;
  error: string | null;
  startedAt: string;
}

/** The columns of `sync_items` an item fills, in the order of its COPY line. */
const ITEM_COLUMNS =
  'sync_items (session_id, entity, title, status, source_id, target_id, error, started_at)';

/**
 * Appends outcomes to a session; a title is cut to 500 characters. One COPY: a full push
 * records a row per task and document (21,500 for the bench's repository), which as a jsonb
 * parameter the database parsed and took apart again at a third of a CPU-second per push.
 */
export async function addItems(
  db: Queryable,
  sessionId: string,
  items: readonly ItemRecord[],
): Promise<void> {
  if (items.length === 0) return;
  const session = copyText(sessionId, 'text');
  const lines = items.map((item) =>
    [
      session,
      item.entity,
      copyText(item.title.slice(0, 500), 'text'),
      item.status,
      copyText(item.sourceId, 'bigint'),
      copyText(item.targetId, 'bigint'),
      copyText(item.error, 'text'),
      copyText(item.startedAt, 'timestamptz'),
    ].join('\t'),
  );
  await db.copyIn(ITEM_COLUMNS, lineBytes(lines));
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
