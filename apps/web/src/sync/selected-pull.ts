// Where a pull stands when a browser keeps only some repositories offline. RxDB stores one
// opaque checkpoint per collection; ours says which repositories the feed position covers and,
// while a newly kept repository is being fetched, how far that catch-up has come.
//
// Adding a repository must not re-pull the others: the catch-up drains the feed filtered to the
// added repositories from version 0 until the server says there is no more, then folds them
// into the covered set, and the main feed goes on from its old position with the wider filter.
// That misses nothing (changes-feed.ts): every row of the added repositories at or below the
// main position was committed and visible when the drain read it, every row above it comes in
// the main feed (a row served twice is the same master state to RxDB).
//
// An old checkpoint ({server_version} only) was made pulling every readable repository, so it
// covers any selection. Dropping a repository just narrows the covered set; taking its rows
// out of the browser is the purge's job.

/** The checkpoint RxDB stores for tasks and documents. Extra fields only: old ones still parse. */
export interface SelectionCheckpoint {
  server_version: number;
  /** Repository ids the position covers, sorted; absent: every readable repository. */
  repositories?: number[];
  /** A drain of newly kept repositories from version 0, folded in once it is done. */
  catch_up?: { repositories: number[]; server_version: number };
}

/** The next page to ask for: a catch-up of added repositories, or the main feed. */
export type PullStep =
  | { kind: 'nothing' }
  | { kind: 'catch-up'; repositories: number[]; from: number }
  | { kind: 'main'; repositories: number[] | null; from: number };

const sorted = (ids: Iterable<number>) => [...new Set(ids)].sort((a, b) => a - b);
const sameIds = (a: number[], b: number[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/** What the covered set is under `selected`: an old checkpoint covers everything. */
function coveredOf(checkpoint: SelectionCheckpoint | undefined, selected: number[]): number[] {
  if (!checkpoint) return [];
  if (!checkpoint.repositories) return selected;
  const keep = new Set(selected);
  return checkpoint.repositories.filter((id) => keep.has(id));
}

/**
 * The step to take from `checkpoint` with `selected` kept offline (null: every readable
 * repository, as before there was a choice).
 */
export function planPull(checkpoint: SelectionCheckpoint | undefined, selected: number[] | null): PullStep {
  const from = checkpoint?.server_version ?? 0;
  if (selected === null) {
    // Everything again after a narrower choice: the covered set cannot be told apart, start over.
    return { kind: 'main', repositories: null, from: checkpoint?.repositories ? 0 : from };
  }
  const wanted = sorted(selected);
  if (wanted.length === 0) return { kind: 'nothing' };
  const covered = new Set(coveredOf(checkpoint, wanted));
  // Nothing covered: the main feed itself, filtered, from the beginning is the whole pull.
  if (covered.size === 0) return { kind: 'main', repositories: wanted, from: 0 };
  const added = wanted.filter((id) => !covered.has(id));
  if (added.length === 0) return { kind: 'main', repositories: wanted, from };
  const resumed = checkpoint?.catch_up && sameIds(checkpoint.catch_up.repositories, added);
  return { kind: 'catch-up', repositories: added, from: resumed ? checkpoint.catch_up!.server_version : 0 };
}

/** The checkpoint after serving `step` up to `reached`, with `done` when the page was the last. */
export function advancePull(
  checkpoint: SelectionCheckpoint | undefined,
  selected: number[] | null,
  step: PullStep,
  reached: number,
  done: boolean,
): SelectionCheckpoint {
  const main = checkpoint?.server_version ?? 0;
  switch (step.kind) {
    case 'nothing':
      return checkpoint ?? { server_version: 0, repositories: [] };
    case 'main':
      return step.repositories === null
        ? { server_version: reached }
        : { server_version: reached, repositories: step.repositories };
    case 'catch-up': {
      const covered = coveredOf(checkpoint, sorted(selected ?? []));
      if (done) return { server_version: main, repositories: sorted([...covered, ...step.repositories]) };
      return {
        server_version: main,
        repositories: covered,
        catch_up: { repositories: step.repositories, server_version: reached },
      };
    }
  }
}
