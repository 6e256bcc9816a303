// This server's persistent instance uid (created by migration 003, never changed).
import type { Queryable } from '../../db/database.js';

export async function instanceUid(db: Queryable): Promise<string> {
  const rows = await db.query<{ uid: string }>('SELECT uid FROM sync_instance');
  const uid = rows[0]?.uid;
  if (!uid) throw new Error('sync_instance is empty; run the migrations again');
  return uid;
}
