// A replicated document as it goes on the wire: without the fields RxDB keeps for itself.
// RxDB strips them from the states it hands the push handler, except in one case: the server
// state it recorded for a document (the "assumed master") that went through a schema migration
// comes back with `_attachments: {}` (RxDB's migration adds it to the recorded state too). The
// server refuses unknown fields for good (400), so without this an edit made offline before an
// upgrade would be parked as refused instead of pushed (test/replication/schema-upgrade.test.ts).
const STORAGE_FIELDS = ['_attachments', '_meta', '_rev'] as const;

export function wireDocument<T extends Record<string, unknown>>(doc: T): T {
  if (!STORAGE_FIELDS.some((field) => field in doc)) return doc;
  const copy: Record<string, unknown> = { ...doc };
  for (const field of STORAGE_FIELDS) delete copy[field];
  return copy as T;
}

/** A push row of RxDB's with both states made wire documents. */
export function wirePushRow<Row extends { newDocumentState: unknown; assumedMasterState?: unknown }>(
  row: Row,
): Row {
  const state = (doc: unknown) => (doc ? wireDocument(doc as Record<string, unknown>) : doc);
  return {
    ...row,
    newDocumentState: state(row.newDocumentState),
    assumedMasterState: state(row.assumedMasterState),
  };
}
