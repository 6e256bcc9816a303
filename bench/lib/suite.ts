// What a benchmark suite is: a name, what it measures, how much a run does, and the run.
import type { Table } from './table.js';

export interface Suite<Size = unknown> {
  name: string;
  description: string;
  /** How much a run does: with `--quick`, or the full run. */
  sizes: { quick: Size; full: Size };
  run(size: Size): Promise<Table[]>;
}

/** A suite, typed by its sizes; the runner's list holds suites of every size. */
export const defineSuite = <Size>(suite: Suite<Size>) => suite as Suite;
