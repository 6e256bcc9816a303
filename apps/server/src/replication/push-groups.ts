// Group commit for `POST /api/v1/sync/push`. Pushes into a repository that arrive while
// the server is already writing others into it wait and then share one transaction: a handful
// of round trips and one commit for the group, instead of five round trips and a commit each.
// Under load those round trips and commits (context switches and an fsync on both sides) are
// most of what a small push costs, so grouping raises what the server takes in per second,
// and with it every push's latency falls (bench `concurrent-push`). An idle server runs each
// push at once, alone.
//
// Pushes queue in lanes, one per set of repositories they name; each lane writes at most
// `writers` groups at once, and lanes do not wait for one another. A push waiting for a
// repository lock (an instance sync's chunk, a REST delete) therefore delays only pushes into
// that repository, as without grouping.
//
// What a push keeps:
// - It is still applied whole or not at all. The group is one transaction; if any of its
//   pushes throws (a missing owner, a forbidden repository, a lost connection), the group
//   rolls back and each of its pushes runs again alone, in its own transaction, exactly as
//   without grouping. Only the push at fault gets the error.
// - Compare-and-set is unchanged: a group never holds two pushes of one uid (a later one
//   waits for the next group), so no row is compared against a state another push of the
//   same group wrote. Pushes of one caller and collection are written as one push of all
//   their rows (`writePush`), and each gets back the conflicts of its own rows.
// - Callers stay apart: each caller's rows are checked with its own access, one caller after
//   the other inside the transaction.
// - The changes feed needs nothing new: a group is one writer to it (migration 007).
import type { ReplicatedDoc } from '@wikisync/shared';
import { type Database, writeTransaction } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { type CheckedPush, writePush } from './push.js';

interface Waiting {
  principal: Principal;
  push: CheckedPush;
  resolve: (conflicts: ReplicatedDoc[]) => void;
  reject: (error: unknown) => void;
}

/** The pushes naming one set of repositories: waiting, and how many groups are being written. */
interface Lane {
  waiting: Waiting[];
  running: number;
}

export interface PushGroupOptions {
  /** Groups of one lane written at once; pushes beyond them wait and join the next group. */
  writers?: number;
  /** A group takes pushes until it holds this many rows (a larger push still runs, alone). */
  maxRows?: number;
}

/**
 * Groups of one lane written at once. Two, so that one group's round trips overlap the
 * other's commit; more only split the waiting pushes into smaller groups (the bench's
 * concurrent pushers: 2 writers ≈ 1,100 pushes/s, 4 ≈ 850, 8 ≈ 840 on two cores).
 */
const DEFAULT_WRITERS = 2;
const DEFAULT_MAX_ROWS = 1000;

export class PushGroups {
  private readonly lanes = new Map<string, Lane>();
  private readonly writers: number;
  private readonly maxRows: number;

  constructor(
    private readonly db: Database,
    { writers = DEFAULT_WRITERS, maxRows = DEFAULT_MAX_ROWS }: PushGroupOptions = {},
  ) {
    this.writers = Math.max(1, writers);
    this.maxRows = Math.max(1, maxRows);
  }

  /** Writes `push` as `principal`, in a group when others are waiting; resolves to its conflicts. */
  write(principal: Principal, push: CheckedPush): Promise<ReplicatedDoc[]> {
    if (push.rows.length === 0) return Promise.resolve([]);
    const key = laneKey(push);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { waiting: [], running: 0 };
      this.lanes.set(key, lane);
    }
    const joined = lane;
    return new Promise((resolve, reject) => {
      joined.waiting.push({ principal, push, resolve, reject });
      this.start(key, joined);
    });
  }

  private start(key: string, lane: Lane): void {
    while (lane.running < this.writers && lane.waiting.length > 0) {
      const group = this.takeGroup(lane);
      lane.running++;
      void this.runGroup(group).finally(() => {
        lane.running--;
        if (lane.running === 0 && lane.waiting.length === 0) this.lanes.delete(key);
        else this.start(key, lane);
      });
    }
  }

  /** The lane's oldest waiting push and every later one that fits beside it, in arrival order. */
  private takeGroup(lane: Lane): Waiting[] {
    const group: Waiting[] = [];
    const uids = new Set<string>();
    let rows = 0;
    for (let index = 0; index < lane.waiting.length && rows < this.maxRows;) {
      const candidate = lane.waiting[index]!;
      const fits =
        group.length === 0 ||
        (rows + candidate.push.rows.length <= this.maxRows &&
          !candidate.push.uids.some((uid) => uids.has(uid)));
      if (!fits) {
        index++;
        continue;
      }
      group.push(candidate);
      for (const uid of candidate.push.uids) uids.add(uid);
      rows += candidate.push.rows.length;
      lane.waiting.splice(index, 1);
    }
    return group;
  }

  private async runGroup(group: Waiting[]): Promise<void> {
    if (group.length === 1) {
      await this.runAlone(group[0]!);
      return;
    }
    let results: Map<Waiting, ReplicatedDoc[]>;
    try {
      results = await writeTransaction(this.db, (tx) => writeGroup(tx, group));
    } catch {
      // Someone's push failed (or the database did): each runs again alone, and only the
      // pushes that fail alone report an error.
      await Promise.all(group.map((waiting) => this.runAlone(waiting)));
      return;
    }
    for (const waiting of group) waiting.resolve(results.get(waiting)!);
  }

  private async runAlone(waiting: Waiting): Promise<void> {
    try {
      waiting.resolve(
        await writeTransaction(this.db, (tx) => writePush(tx, waiting.principal, waiting.push)),
      );
    } catch (error) {
      waiting.reject(error);
    }
  }
}

/**
 * The repositories a push names (a repository row: itself; a task or document: the one its
 * `repository_uid` names). Only pushes naming the same ones share a group, so a push waiting
 * for a repository another writer holds delays no push into any other repository.
 */
function laneKey({ collection, rows }: CheckedPush): string {
  const repositories = new Set<string>();
  for (const { new_document_state: doc } of rows) {
    repositories.add(
      collection === 'repositories' ? doc.uid : ((doc as { repository_uid?: string }).repository_uid ?? ''),
    );
  }
  return [...repositories].sort().join('\u0000');
}

/** Same caller, same principal: the key under which pushes are written as one. */
function callerKey({ userId, isAdmin, tokenId }: Principal, push: CheckedPush): string {
  return `${push.collection}\u0000${userId}\u0000${isAdmin}\u0000${tokenId ?? ''}`;
}

async function writeGroup(
  tx: Parameters<typeof writePush>[0],
  group: readonly Waiting[],
): Promise<Map<Waiting, ReplicatedDoc[]>> {
  const byCaller = new Map<string, Waiting[]>();
  for (const waiting of group) {
    const key = callerKey(waiting.principal, waiting.push);
    const same = byCaller.get(key);
    if (same) same.push(waiting);
    else byCaller.set(key, [waiting]);
  }
  const results = new Map<Waiting, ReplicatedDoc[]>();
  for (const pushes of byCaller.values()) {
    const first = pushes[0]!;
    const merged: CheckedPush = {
      collection: first.push.collection,
      rows: pushes.flatMap((waiting) => waiting.push.rows),
      uids: pushes.flatMap((waiting) => waiting.push.uids),
    };
    const conflicts = await writePush(tx, first.principal, merged);
    // Conflicts go back to the push whose row they answer (uids are unique in a group).
    const owner = new Map<string, Waiting>();
    for (const waiting of pushes) {
      results.set(waiting, []);
      for (const uid of waiting.push.uids) owner.set(uid, waiting);
    }
    for (const conflict of conflicts) results.get(owner.get(conflict.uid)!)!.push(conflict);
  }
  return results;
}
