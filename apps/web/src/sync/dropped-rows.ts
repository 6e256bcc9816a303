// Taking a repository's rows out of this browser when it leaves the kept set: unpinned by the
// person, or no longer readable (a grant taken). A plain `remove()` would replicate a delete to
// the server, so the rows are handed to RxDB by the pull handler as deleted master states:
// RxDB stores them deleted without pushing anything. Their text is blanked in that state, since
// RxDB keeps the last master state of each row in its replication metadata. The tombstones are
// then removed physically from the storage (`purgeTombstones`).
//
// "Without pushing anything" holds only while RxDB finishes what it started: it writes a pulled
// state to the rows first and to its metadata after, and a replication that restarts between
// the two (the selection changed again, a reload) finds the row deleted and its last known
// server state live, and pushes the delete. So a tombstone carries a mark no edit of a person
// has (`updated_at` at the epoch), and the push handler never sends a row so marked
// (`isPurgeTombstone`): the server keeps the rows.
//
// A row with an edit the server has not confirmed is left alone (RxDB would skip it anyway): of
// a repository merely unpinned it is pushed first and leaves on a later round; of a repository
// no longer readable the server refuses it, the push handler parks it as ACCESS_LOST with its
// text whole, and it leaves on the next round.
import type { RxCollection } from 'rxdb/plugins/core';
import type { CollectionName, ReadableRepository } from '@wikisync/shared';
import type { WireDoc } from './sync-transport';
import type { Replica } from './replica';

/** The code a parked edit gets when its repository is no longer readable. */
export const ACCESS_LOST = 'ACCESS_LOST';

/** Repository uids whose rows leave, and among them those no longer readable. */
export interface DroppedRepositories {
  dropped: ReadonlySet<string>;
  lost: ReadonlySet<string>;
}

type AnyCollection = RxCollection<Record<string, unknown>>;

/** `updated_at` of a purge tombstone: the epoch, which no edit of a person carries. */
export const PURGE_MARK = '1970-01-01T00:00:00.000Z';

/** A row state that is a tombstone of the purge, never to be sent to the server. */
export function isPurgeTombstone(state: { _deleted?: unknown; updated_at?: unknown }): boolean {
  return state._deleted === true && state.updated_at === PURGE_MARK;
}

/** Long texts blanked in a tombstone (the metadata keeps the last master state). */
const TEXT_FIELDS = ['content', 'outline', 'description'];

/**
 * Which repositories leave: those the replica holds that the server once numbered (a row
 * created here and not yet pushed has no id and is never dropped) and that are not readable
 * now, or readable but not kept. `readable` null (not heard from the server in this run):
 * nothing leaves, an offline start must not purge on stale knowledge.
 */
export async function droppedRepositories(
  repositories: AnyCollection,
  readable: readonly ReadableRepository[] | null,
  kept: readonly number[] | null,
): Promise<DroppedRepositories> {
  const dropped = new Set<string>();
  const lost = new Set<string>();
  if (!readable) return { dropped, lost };
  const readableIds = new Set(readable.map((repository) => repository.id));
  const keptIds = kept ? new Set(kept) : null;
  const held = await repositories.find().exec();
  for (const doc of held) {
    const id = doc.get('id') as number | null;
    if (typeof id !== 'number') continue;
    const uid = doc.primary;
    if (!readableIds.has(id)) {
      lost.add(uid);
      dropped.add(uid);
    } else if (keptIds && !keptIds.has(id)) dropped.add(uid);
  }
  return { dropped, lost };
}

/** Deleted master states for the local rows of `dropped` repositories (tasks, documents). */
export async function tombstonesFor(
  collection: CollectionName,
  rxCollection: AnyCollection,
  dropped: ReadonlySet<string>,
  isPending: (uid: string) => boolean,
  limit: number,
): Promise<WireDoc[]> {
  if (collection === 'repositories' || dropped.size === 0) return [];
  const rows = await rxCollection
    .find({ selector: { repository_uid: { $in: [...dropped] } }, limit: limit + 100 })
    .exec();
  return rows
    .filter((doc) => !isPending(doc.primary))
    .slice(0, limit)
    .map((doc) => {
      const state = doc.toMutableJSON() as Record<string, unknown>;
      for (const field of TEXT_FIELDS) if (typeof state[field] === 'string') state[field] = '';
      return { ...state, uid: doc.primary, updated_at: PURGE_MARK, _deleted: true };
    });
}

/** How long a local write takes to reach the pending tracker (its change event) at most. */
const EVENT_SETTLE_MS = 50;

/**
 * Removes deleted rows from the storage for good, once they were replicated. The storage's
 * cleanup removes every deleted row older than a time, and a local delete is a deleted row
 * too: RxDB pushes from the storage, so a delete removed before its push would be lost. So
 * only rows deleted before `until` (taken once the round is in sync) go, and only when no
 * local write of the collection waits for the server; a delete made after `until` stays. The
 * short wait lets a write made just before `until` reach the tracker. Otherwise the next round
 * purges.
 */
export async function purgeTombstones(
  rxCollection: AnyCollection,
  hasPending: () => boolean,
): Promise<boolean> {
  const until = Date.now();
  await new Promise((resolve) => setTimeout(resolve, EVENT_SETTLE_MS));
  if (hasPending()) return false;
  await rxCollection.storageInstance.cleanup(Math.max(0, Date.now() - until));
  return true;
}

/** One replication's purge: what leaves now, its tombstones, and their removal after the round. */
export class RowPurge {
  private readonly purging = new Set<CollectionName>();
  /** Collections holding tombstones of left rows not yet removed from the storage. */
  private readonly owed = new Set<CollectionName>();
  /**
   * Collections given tombstones while their purge ran: written after that purge took its time,
   * they outlive it, and no later round serves them again (they are deleted already). So the
   * purge runs once more when it ends.
   */
  private readonly again = new Set<CollectionName>();

  constructor(
    private readonly replica: Replica,
    private readonly readable: () => readonly ReadableRepository[] | null,
    private readonly kept: () => number[] | null,
  ) {}

  /** Repositories whose rows leave this browser now. */
  dropped(): Promise<DroppedRepositories> {
    return droppedRepositories(this.replica.collection('repositories'), this.readable(), this.kept());
  }

  /** Whether a pushed row (its wire state) belongs to a repository no longer readable. */
  async lostTest(collection: CollectionName): Promise<(state: WireDoc) => boolean> {
    const { lost } = await this.dropped();
    return (state) => lost.has(String(collection === 'repositories' ? state.uid : state.repository_uid));
  }

  /** The tombstones to serve with a pull page; their removal follows once `inSync` resolves. */
  async tombstones(
    collection: CollectionName,
    isPending: (uid: string) => boolean,
    limit: number,
    inSync: () => Promise<unknown>,
    hasPending: () => boolean,
  ): Promise<WireDoc[]> {
    const rxCollection = this.replica.collection(collection);
    const leaving = await tombstonesFor(
      collection,
      rxCollection,
      (await this.dropped()).dropped,
      isPending,
      limit,
    );
    // Owed until a purge went through: one skipped for a waiting local write is retried on a
    // later pull, when these rows no longer show up as leaving.
    if (leaving.length > 0) {
      this.owed.add(collection);
      if (this.purging.has(collection)) this.again.add(collection);
    }
    this.purge(collection, inSync, hasPending);
    return leaving;
  }

  /** Removes a collection's owed tombstones once the round is in sync, unless a purge runs. */
  private purge(collection: CollectionName, inSync: () => Promise<unknown>, hasPending: () => boolean): void {
    if (!this.owed.has(collection) || this.purging.has(collection)) return;
    this.purging.add(collection);
    this.again.delete(collection);
    void inSync()
      .then(() => purgeTombstones(this.replica.collection(collection), hasPending))
      .then((done) => {
        if (done && !this.again.has(collection)) this.owed.delete(collection);
      })
      .catch(() => {}) // stopped meanwhile; the next round purges
      .finally(() => {
        this.purging.delete(collection);
        if (this.again.has(collection)) this.purge(collection, inSync, hasPending);
      });
  }
}
