// Writes straight to POST /push, as any client's write arrives, without RxDB: the fan-out's
// trigger and the baseline of the offline-edits push.
import { api, type BenchServer } from '../lib/server-process.js';

export interface WireDocument extends Record<string, unknown> {
  uid: string;
  content: string;
}

/** The first `limit` documents of the server's feed. */
export async function firstDocuments(server: BenchServer, limit: number): Promise<WireDocument[]> {
  const path = `/api/v1/sync/changes?collection=documents&checkpoint=0&limit=${limit}`;
  return (await api<{ documents: WireDocument[] }>(server, 'GET', path)).documents;
}

/** Pushes `docs`, each with `note` appended to its content; throws on any conflict. */
async function pushEdits(server: BenchServer, docs: WireDocument[], note: string): Promise<void> {
  const rows = docs.map((doc) => ({
    assumed_master_state: doc,
    new_document_state: { ...doc, content: `${doc.content}\n${note}`, updated_at: new Date().toISOString() },
  }));
  const { conflicts } = await api<{ conflicts: unknown[] }>(server, 'POST', '/api/v1/sync/push', {
    collection: 'documents',
    rows,
  });
  if (conflicts.length > 0) throw new Error(`pushing "${note}" met ${conflicts.length} conflicts`);
}

/** One document edited through POST /push, as any client's write would arrive. */
export async function writeOneDocument(server: BenchServer, note: string): Promise<void> {
  await pushEdits(server, await firstDocuments(server, 1), note);
}

/** Baseline of the push: the same number of edits sent straight to POST /push, 100 per request. */
export async function directPush(server: BenchServer, docs: WireDocument[]): Promise<number> {
  const start = performance.now();
  for (let offset = 0; offset < docs.length; offset += 100)
    await pushEdits(server, docs.slice(offset, offset + 100), 'Edited directly.');
  return performance.now() - start;
}
