// Incremental copies: the source's server_version at the start of the last successful copy
// of a repository with a target, per direction. Only a complete, fully successful copy of the
// whole repository moves it, so a failed row is sent again next time.
import type { SyncDirection } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';

export async function readCheckpoint(
  db: Queryable,
  targetId: number,
  direction: SyncDirection,
  sourceRepositoryId: number,
): Promise<number> {
  const rows = await db.query<{ version: number }>(
    'SELECT version FROM sync_checkpoints WHERE target_id = $1 AND direction = $2 AND source_repository_id = $3',
    [targetId, direction, sourceRepositoryId],
  );
  return rows[0] ? Number(rows[0].version) : 0;
}

export async function saveCheckpoint(
  db: Queryable,
  targetId: number,
  direction: SyncDirection,
  sourceRepositoryId: number,
  version: number,
  sessionId: string,
): Promise<void> {
  await db.query(
    `INSERT INTO sync_checkpoints (target_id, direction, source_repository_id, version, session_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (target_id, direction, source_repository_id) DO UPDATE SET version = EXCLUDED.version, session_id = EXCLUDED.session_id, updated_at = now()`,
    [targetId, direction, sourceRepositoryId, version, sessionId],
  );
}
