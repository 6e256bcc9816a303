// Group commit for `POST /api/v1/sync/push`. Pushes that arrive while the server is already
// writing others wait and then share one transaction: a handful of round trips and one commit
// for the group, instead of five round trips and a commit each. Under load those round trips
// and commits (context switches and an fsync on both sides) are most of what a small push
// costs, so grouping raises what the server takes in per second, and with it every push's
// latency falls (bench `concurrent-push`). An idle server runs each push at once, alone.
//
// What a push keeps:
// - It is still applied whole or not at all. The group is one transaction; if any of its
//   pushes throws (a missing owner, a forbidden repository, a lost connection), the group
//   rolls back and each of its pushes runs again alone, in its own transaction, exactly as
//   without grouping. Only the push at fault gets the error.
// - Compare-and-set is unchanged: a group never holds two pushes of one uid, and a push of a
//   uid another group is writing waits for it, so each row is compared against the state its
//   push would have met alone. Pushes of one caller and collection are written as one push of
//   all their rows (`writePush`), and each gets back the conflicts of its own rows.
// - Callers stay apart: each caller's rows are checked with its own access, one caller after
//   the other inside the transaction.
// - Pushes into different repositories do not wait for each other's locks. A group waits for
//   a lock at most GROUP_LOCK_TIMEOUT_MS; then its pushes run alone, outside the group's
//   writer, and only those that need the held repository wait for it. A push alone that
//   takes longer than that gives its writer up and goes on waiting.
// - The changes feed needs nothing new: a group is one writer to it (migration 007).
import { availableParallelism } from 'node:os';
import type { ReplicatedDoc } from '@wikisync/shared';
import { type Database, type Queryable, writeTransaction } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { type CheckedPush, writePush } from './push.js';

interface Waiting {
  principal: Principal;
  push: CheckedPush;
  resolve: (conflicts: ReplicatedDoc[]) => void;
  reject: (error: unknown) => void;
}

export interface PushGroupOptions {
  /** Groups written at once; pushes beyond them wait and join the next group. */
  writers?: number;
  /** A group takes pushes until it holds this many rows (a larger push still runs, alone). */
  maxRows?: number;
}

/**
 * Groups written at once: one per core, and at least two, so that one group's round trips
 * overlap another's commit. More than the cores only split the waiting pushes into smaller
 * groups (100 clients into one repository on two cores, an early version of this file:
 * 2 writers ≈ 1,100 pushes/s, 4 ≈ 850, 8 ≈ 840).
 */
const DEFAULT_WRITERS = Math.max(2, availableParallelism());
const DEFAULT_MAX_ROWS = 1000;
/**
 * How long a group waits for a lock before it gives up and lets each of its pushes wait
 * alone. A REST delete or an instance sync's chunk can hold a repository for seconds; a
 * group must not hold pushes into other repositories (or a writer) that long.
 */
export const GROUP_LOCK_TIMEOUT_MS = 50;

export class PushGroups {
  private waiting: Waiting[] = [];
  private running = 0;
  /** Uids of the pushes being written: a later push of one of them waits for its group. */
  private readonly writing = new Set<string>();
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
    return new Promise((resolve, reject) => {
      this.waiting.push({ principal, push, resolve, reject });
      this.start();
    });
  }

  private start(): void {
    while (this.running < this.writers) {
      const group = this.takeGroup();
      if (group.length === 0) return;
      this.running++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.running--;
        this.start();
      };
      // A push alone has no lock timeout (its own round trip saved); if it waits long, it
      // gives up its writer instead and goes on waiting, as a push alone always could.
      const slow = group.length === 1 ? setTimeout(release, GROUP_LOCK_TIMEOUT_MS) : undefined;
      void this.runGroup(group).then(async (alone) => {
        clearTimeout(slow);
        if (alone.length > 0) {
          // The writer is free for other pushes while these run, and maybe wait, alone.
          release();
          await Promise.all(alone.map((waiting) => this.runAlone(waiting)));
        }
        for (const { push } of group) for (const uid of push.uids) this.writing.delete(uid);
        release();
        this.start();
      });
    }
  }

  /**
   * The oldest waiting push that no one is writing a row of, and every later one that fits
   * beside it, in arrival order; their uids count as being written from now on. One pass
   * over the queue, however long it is.
   */
  private takeGroup(): Waiting[] {
    const group: Waiting[] = [];
    const rest: Waiting[] = [];
    let rows = 0;
    for (const candidate of this.waiting) {
      const fits =
        rows < this.maxRows &&
        (group.length === 0 || rows + candidate.push.rows.length <= this.maxRows) &&
        !candidate.push.uids.some((uid) => this.writing.has(uid));
      if (!fits) {
        rest.push(candidate);
        continue;
      }
      group.push(candidate);
      for (const uid of candidate.push.uids) this.writing.add(uid);
      rows += candidate.push.rows.length;
    }
    this.waiting = rest;
    return group;
  }

  /** Writes `group` in one transaction; resolves to the pushes that must run again alone. */
  private async runGroup(group: Waiting[]): Promise<Waiting[]> {
    if (group.length === 1) {
      await this.runAlone(group[0]!);
      return [];
    }
    let results: Map<Waiting, ReplicatedDoc[]>;
    try {
      results = await writeTransaction(this.db, async (tx) => {
        // Sent ahead of the group's first statement, in the same round trip.
        const [, written] = await Promise.all([
          tx.query(`SET LOCAL lock_timeout = '${GROUP_LOCK_TIMEOUT_MS}ms'`),
          writeGroup(tx, group),
        ]);
        // The commit takes a lock too (the queue of NOTIFY, which the change stream's
        // triggers use, migration 002), held by each commit for its fsync. Waiting for it
        // says nothing about a held repository, so the commit waits as any commit does.
        await tx.query('SET LOCAL lock_timeout TO DEFAULT');
        return written;
      });
    } catch {
      // Someone's push failed, the database did, or a lock is held for long: each runs
      // again alone, and only the pushes that fail alone report an error.
      return group;
    }
    for (const waiting of group) waiting.resolve(results.get(waiting)!);
    return [];
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

/** Same caller, same principal: the key under which pushes are written as one. */
function callerKey({ userId, isAdmin, tokenId }: Principal, push: CheckedPush): string {
  return `${push.collection}\u0000${userId}\u0000${isAdmin}\u0000${tokenId ?? ''}`;
}

async function writeGroup(tx: Queryable, group: readonly Waiting[]): Promise<Map<Waiting, ReplicatedDoc[]>> {
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
