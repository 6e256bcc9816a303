// One collection's pull, limited to the repositories kept offline: plans the step from the
// stored checkpoint (selected-pull.ts), fetches storable rows for it, with a page read ahead
// per filter (a page read for one filter must never answer another), and says where it stands.
import type { ChangesResponse, CollectionName } from '@wikisync/shared';
import { PageReadAhead } from './read-ahead';
import { pullCheckedBatch, type CheckedBatch } from './pulled-rows';
import { advancePull, planPull, type SelectionCheckpoint } from './selected-pull';
import type { WireDoc } from './sync-transport';

type FetchFiltered = (
  checkpoint: number,
  limit: number,
  repositories: number[] | null,
) => Promise<ChangesResponse<WireDoc>>;

export interface SelectedBatch extends Omit<CheckedBatch, 'checkpoint'> {
  checkpoint: SelectionCheckpoint;
}

export class SelectedPuller {
  private pages: { key: string; reader: PageReadAhead<ChangesResponse<WireDoc>> } | null = null;

  constructor(
    private readonly collection: CollectionName,
    private readonly fetchPage: FetchFiltered,
    private readonly token: () => string | null,
  ) {}

  /** The next batch from `checkpoint` for `selected` (null: every readable repository). */
  async pull(
    checkpoint: SelectionCheckpoint | undefined,
    selected: number[] | null,
    batchSize: number,
    readAhead: boolean,
  ): Promise<SelectedBatch> {
    const step = planPull(checkpoint, selected);
    if (step.kind === 'nothing') {
      return {
        documents: [],
        accepted: [],
        refused: [],
        checkpoint: advancePull(checkpoint, selected, step, 0, true),
      };
    }
    const reader = this.readerFor(step.repositories);
    const batch = await pullCheckedBatch(
      this.collection,
      (from, limit) => reader.get(from, limit, readAhead),
      step.from,
      batchSize,
    );
    // pullCheckedBatch stops short only when the server had no more for this step.
    const done = batch.documents.length < batchSize;
    return {
      ...batch,
      checkpoint: advancePull(checkpoint, selected, step, batch.checkpoint.server_version, done),
    };
  }

  /** Forgets a page read ahead (on pause, stop, or a change of user). */
  clear(): void {
    this.pages?.reader.clear();
  }

  private readerFor(repositories: number[] | null): PageReadAhead<ChangesResponse<WireDoc>> {
    const key = repositories?.join(',') ?? '*';
    if (this.pages?.key !== key) {
      this.pages = {
        key,
        reader: new PageReadAhead((from, limit) => this.fetchPage(from, limit, repositories), this.token),
      };
    }
    return this.pages.reader;
  }
}
