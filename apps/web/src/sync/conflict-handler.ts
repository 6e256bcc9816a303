// The conflict handler of each replicated collection. RxDB calls `resolve` when the server
// refuses a push; it must not wait for the user, or the collection's replication stalls.
// So it merges what merges (three-way-merge.ts, line by line for long texts), records real conflicts with base, local and
// server states in `sync_conflicts`, and returns the merge (server-wins where both changed),
// which RxDB writes locally and pushes. Nothing the user wrote is dropped silently: it is
// either in the merge that goes to the server, or in a recorded conflict, or (refused for
// good) parked with the server's reason (parked-pushes.ts).
import type { RxConflictHandler } from 'rxdb/plugins/core';
import { replicatedDocsEqual, type CollectionName, type ConflictHunk } from '@wikisync/shared';
import { threeWayMerge } from './three-way-merge';
import type { DocState } from './conflict-schema';
import { wireDocument } from './wire-document';

export interface ConflictReport {
  collection: CollectionName;
  base: DocState | null;
  local: DocState;
  server: DocState;
  kept: DocState;
  fields: string[];
  hunks: ConflictHunk[];
}

/**
 * Equality as replication sees it: every replicated field (shared with the server's
 * compare-and-set). The server's `id` is compared too, though the server ignores it: that is
 * how a replica learns the id the server gave a row it created (the pulled row differs
 * only in `id`, so RxDB writes it locally). It never causes a push conflict, since the
 * server never compares `id`.
 */
export function docsEqual(
  collection: CollectionName,
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): boolean {
  return (a.id ?? null) === (b.id ?? null) && replicatedDocsEqual(collection, a, b);
}

export function createConflictHandler(
  collection: CollectionName,
  report: (conflict: ConflictReport) => Promise<void>,
  /** True for a local state the server refused for good and that is parked with its reason. */
  isParked: (state: Record<string, unknown>) => boolean = () => false,
): RxConflictHandler<Record<string, unknown>> {
  return {
    isEqual: (a, b) => docsEqual(collection, a, b),
    async resolve(input) {
      const local = input.newDocumentState as DocState;
      const server = input.realMasterState as DocState;
      // The push handler answered a parked refusal with the server's state: show that state,
      // merging the refused edit back in would only send it to be refused again.
      if (isParked(local)) return input.realMasterState;
      // Recorded for a later resolve-conflict, which sends it to the server as it is.
      const base = (
        input.assumedMasterState ? wireDocument(input.assumedMasterState) : null
      ) as DocState | null;
      const merged = threeWayMerge(collection, base, local, server);
      if (merged.conflictingFields.length > 0) {
        await report({
          collection,
          base,
          local,
          server,
          kept: merged.doc,
          fields: merged.conflictingFields,
          hunks: merged.hunks,
        });
      }
      return merged.doc as typeof input.realMasterState;
    },
  };
}
