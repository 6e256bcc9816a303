// Nonces of signed requests, kept in the database so a replay is refused by every server
// process sharing it. A nonce only has to be remembered for the signature window.
import { SIGNATURE_WINDOW_MS } from '@wikisync/shared';
import type { Queryable } from '../../db/database.js';

/** Records the nonce; false when it was already seen (a replay). */
export async function claimNonce(db: Queryable, nonce: string): Promise<boolean> {
  const rows = await db.query(
    'INSERT INTO sync_nonces (nonce) VALUES ($1) ON CONFLICT DO NOTHING RETURNING nonce',
    [nonce],
  );
  return rows.length > 0;
}

export async function purgeOldNonces(db: Queryable): Promise<void> {
  // Twice the window: a request up to 5 minutes in the future is still valid for 10.
  await db.query(`DELETE FROM sync_nonces WHERE seen_at < now() - make_interval(secs => $1)`, [
    (2 * SIGNATURE_WINDOW_MS) / 1000,
  ]);
}
