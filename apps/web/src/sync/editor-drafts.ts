// Unsaved editor text, kept in this browser until it is saved or discarded, so navigating
// away or a reload never throws it away. One RxDB local document per edited document, in
// the replica's database: never replicated, and deleted with the replica at sign-out, so the
// next person at this computer does not find it. It keeps the base the editor opened from,
// so a draft restored later still saves through the three-way merge (editor-save.ts).
import type { DocState } from './conflict-schema';
import type { EditorFields } from './editor-save';
import type { ReplicaDatabase } from './replica';

export interface EditorDraft {
  uid: string;
  fields: EditorFields;
  base: DocState;
  saved_at: string;
}

const draftKey = (uid: string) => `editor-draft:${uid}`;

export async function loadEditorDraft(database: ReplicaDatabase, uid: string): Promise<EditorDraft | null> {
  const doc = await database.getLocal<EditorDraft>(draftKey(uid));
  if (!doc) return null;
  // A copy: the local document's values are frozen in development builds.
  return JSON.parse(
    JSON.stringify({
      uid: doc.get('uid'),
      fields: doc.get('fields'),
      base: doc.get('base'),
      saved_at: doc.get('saved_at'),
    }),
  ) as EditorDraft;
}

export async function storeEditorDraft(database: ReplicaDatabase, draft: EditorDraft): Promise<void> {
  await database.upsertLocal<EditorDraft>(draftKey(draft.uid), draft);
}

export async function clearEditorDraft(database: ReplicaDatabase, uid: string): Promise<void> {
  const doc = await database.getLocal<EditorDraft>(draftKey(uid));
  await doc?.remove();
}
