// A writer that holds a repository to itself, as a REST write does (exclusively, for its
// whole transaction), until the test lets it go: for tests of who waits for whom.
import type { Database } from '../db/database.js';
import { lockRepository } from '../db/repository-locks.js';

export interface RepositoryHold {
  /** Lets the writer end its transaction. */
  release(): void;
  /** Settles once the writer's transaction has ended. */
  ended: Promise<void>;
}

/** Resolves once `db` holds the repository `repositoryUid`; `onEnd` runs just before its commit. */
export async function holdRepository(
  db: Database,
  repositoryUid: string,
  onEnd: () => void,
): Promise<RepositoryHold> {
  const [row] = await db.query<{ id: number }>('SELECT id FROM repositories WHERE uid = $1', [repositoryUid]);
  if (!row) throw new Error(`no repository ${repositoryUid} to hold`);
  let release!: () => void;
  const holding = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const ended = db.transaction(async (tx) => {
    await lockRepository(tx, row.id);
    locked();
    await holding;
    onEnd();
  });
  // A writer that failed before it held the lock must not leave the caller waiting.
  await Promise.race([isLocked, ended]);
  return { release, ended };
}
