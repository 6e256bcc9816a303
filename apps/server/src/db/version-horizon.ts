// The version horizon of migration 007: every server_version below it belongs to a
// transaction that has ended (committed and visible, or rolled back for good), so a reader may
// serve up to it and never later meet a smaller version. Readers that page by server_version
// (the changes feed, instance-sync checkpoints, the change stream) stop below it.
import type { Queryable } from './database.js';

/**
 * Reads the horizon. Call it before the statement that reads rows, outside any REPEATABLE
 * READ transaction: the rows' snapshot must be taken after the horizon was read.
 */
export async function versionHorizon(db: Queryable): Promise<number> {
  const [row] = await db.query<{ horizon: number | string }>('SELECT wikisync_version_horizon() AS horizon');
  return Number(row!.horizon);
}
