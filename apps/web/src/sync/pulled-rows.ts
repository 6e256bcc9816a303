// Checks every pulled row against the wire contract before RxDB stores it, so one bad row
// cannot stop a collection's replication. RxDB writes a pulled page as one batch: a single
// row it cannot store (metadata nested thousands of levels overflows the stack in its
// clones) failed the whole page on every retry, or was lost along with its neighbours, and
// no later row arrived. A row that fails the check is handed to `park` with its reason and
// left out; the rest goes on.
//
// Invariant (STACK-NOTES.md): a pull must never return a short batch while more rows exist,
// or RxDB takes it for the end and stops pulling. Leaving rows out shortens a page, so the
// next page is fetched until the batch is full again or the server has no more; the batch
// may then hold up to one page more than asked, which RxDB stores like any other.
import { REPLICATED_DOC_SCHEMAS, type ChangesResponse, type CollectionName } from '@wikisync/shared';
import type { WireDoc } from './sync-transport';

export interface RefusedRow {
  uid: string;
  /** What is wrong with the row, as the contract's validation says it. */
  reason: string;
}

/** Why `doc` cannot be stored in `collection`, or null when it can. */
export function pulledRowProblem(collection: CollectionName, doc: WireDoc): string | null {
  const result = REPLICATED_DOC_SCHEMAS[collection].safeParse(doc);
  if (result.success) return null;
  return result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'row'}: ${issue.message}`)
    .join('; ');
}

/**
 * The row to store for `doc`, or the reason it cannot be stored. A tombstone only needs to
 * delete the local copy, so its metadata is dropped rather than the deletion lost.
 */
export function checkPulledRow(
  collection: CollectionName,
  doc: WireDoc,
): { doc: WireDoc; reason: null } | { doc: null; reason: string } {
  const reason = pulledRowProblem(collection, doc);
  if (reason === null) return { doc, reason: null };
  if (doc._deleted) {
    const emptied = { ...doc, metadata: {} };
    if (pulledRowProblem(collection, emptied) === null) return { doc: emptied, reason: null };
  }
  return { doc: null, reason };
}

export interface CheckedBatch {
  documents: WireDoc[];
  checkpoint: { server_version: number };
  /** Uids of the rows stored as they are: a row parked earlier and now fixed is one of them. */
  accepted: string[];
  refused: RefusedRow[];
}

/** Pulls at least `batchSize` storable rows from `checkpoint`, or all there are. */
export async function pullCheckedBatch(
  collection: CollectionName,
  fetchPage: (checkpoint: number, limit: number) => Promise<ChangesResponse<WireDoc>>,
  checkpoint: number,
  batchSize: number,
): Promise<CheckedBatch> {
  const batch: CheckedBatch = {
    documents: [],
    checkpoint: { server_version: checkpoint },
    accepted: [],
    refused: [],
  };
  for (;;) {
    const page = await fetchPage(batch.checkpoint.server_version, batchSize);
    for (const doc of page.documents) {
      const checked = checkPulledRow(collection, doc);
      if (checked.doc) {
        batch.documents.push(checked.doc);
        batch.accepted.push(doc.uid);
      } else batch.refused.push({ uid: doc.uid, reason: checked.reason });
    }
    batch.checkpoint = page.checkpoint;
    if (!page.has_more || batch.documents.length >= batchSize) return batch;
  }
}
