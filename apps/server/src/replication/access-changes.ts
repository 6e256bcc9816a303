// Which repositories a stream's user can read, watched for changes. Grants are not replicated
// rows, so no notification announces a grant given or taken; the change hub asks here with its
// once-a-second token check (one query for all subscribers), and a subscriber whose readable
// set changed hears `event: access`: its browser purges what it lost within seconds.
import type { Queryable } from '../db/database.js';
import { idList } from '../db/sql-lists.js';
import type { Principal } from '../auth/principal.js';

export interface AccessWatcher {
  principal: Principal;
  /** Called with the new readable repository ids when a grant was given or taken. */
  onAccess: (readableIds: number[]) => void;
  /** The readable ids last seen, joined (admins: null, they read everything). */
  readableKey: string | null;
}

/** The granted repository ids of these users, sorted, by user id. */
async function grantsOf(db: Queryable, userIds: number[]): Promise<Map<number, number[]>> {
  const rows = await db.query<{ user_id: unknown; repository_id: unknown }>(
    `SELECT g.user_id, g.repository_id FROM repository_grants g
       JOIN ${idList('$1')} users ON users.id = g.user_id
      ORDER BY g.repository_id`,
    [{ v: userIds }],
  );
  const byUser = new Map<number, number[]>();
  for (const row of rows) {
    const userId = Number(row.user_id);
    byUser.set(userId, [...(byUser.get(userId) ?? []), Number(row.repository_id)]);
  }
  return byUser;
}

/** The key of what `principal` can read now, to compare later; null for an admin. */
export async function readableKeyOf(db: Queryable, principal: Principal): Promise<string | null> {
  if (principal.isAdmin) return null;
  return ((await grantsOf(db, [principal.userId])).get(principal.userId) ?? []).join(',');
}

/** Tells each watcher whose readable repositories changed since it last heard, and remembers. */
export async function announceAccessChanges(db: Queryable, watchers: AccessWatcher[]): Promise<void> {
  const watched = watchers.filter((watcher) => watcher.readableKey !== null);
  if (watched.length === 0) return;
  const grants = await grantsOf(db, [...new Set(watched.map((watcher) => watcher.principal.userId))]);
  for (const watcher of watched) {
    const ids = grants.get(watcher.principal.userId) ?? [];
    const key = ids.join(',');
    if (key === watcher.readableKey) continue;
    watcher.readableKey = key;
    watcher.onAccess(ids);
  }
}
