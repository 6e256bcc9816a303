// How many of one sender's receives into one repository (`batch-upsert`, `copy-upsert`) hold a
// database connection at once: two, one writing under the repository's lock and one staging
// the next chunk. A sender keeps up to `concurrency` (4) requests in flight so that its reads
// and the transfer overlap the receiver's writes, but the writes of one repository take its
// lock one at a time (db/repository-locks.ts): a third and fourth transaction would only wait
// for it, each holding a connection of the pool that other clients need, and each a fresh
// PostgreSQL backend on a first push, whose first plans and catalog reads cost the receiver's
// database about an eighth of its CPU in a full push (bench instance-sync). The others wait
// here, their bodies read, until a slot is free, in the order they came.
//
// Per process: a receiver behind a load balancer may run a push's requests in several
// processes, which then each stage on their own; the lock still orders the writes.

export class ReceiveSlots {
  private readonly keys = new Map<string, { running: number; waiting: (() => void)[] }>();

  constructor(private readonly perKey = 2) {}

  /** Runs `work` once fewer than `perKey` works of `key` run; first come, first served. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let entry = this.keys.get(key);
    if (!entry) {
      entry = { running: 0, waiting: [] };
      this.keys.set(key, entry);
    }
    if (entry.running >= this.perKey) await new Promise<void>((resolve) => entry.waiting.push(resolve));
    else entry.running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is given back.
      const next = entry.waiting.shift();
      if (next) next();
      else if (--entry.running === 0) this.keys.delete(key);
    }
  }
}

/** The slot key of a sender's receive into one of its repositories (by the sender's id). */
export const receiveKey = (peerKey: string, repositoryId: number) => `${peerKey}\u0000${repositoryId}`;
