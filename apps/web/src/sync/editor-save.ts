// Saving the document editor without erasing what changed while it was open. The editor
// keeps the state it opened from (its base); Save writes only the fields the person changed,
// merged three-way against the replica's row as it is now, with the same merge replication
// uses (three-way-merge.ts, line by line for the content). Where the person and someone
// else changed the same lines, the row keeps the other side's lines meanwhile and the
// person's version is recorded in `sync_conflicts`, exactly as the conflict handler does,
// so the conflict dialog shows it and the server's log gets it when it is resolved.
import { replicatedDocsEqual } from '@wikisync/shared';
import type { ConflictReport } from './conflict-handler';
import type { DocState } from './conflict-schema';
import { recordConflict, type Replica } from './replica';
import { toWireDoc } from './resolve-recorded-conflict';
import { threeWayMerge } from './three-way-merge';

/** The fields the document editor writes. */
export const EDITOR_FIELDS = ['title', 'content'] as const;
export type EditorField = (typeof EDITOR_FIELDS)[number];
export type EditorFields = Partial<Record<EditorField, string>>;

export interface EditorSavePlan {
  /** The row to write, or null when the person changed nothing. */
  write: DocState | null;
  /** Set when hunks or fields collided: the person's version, to record for the dialog. */
  conflict: ConflictReport | null;
}

/** A stored document as the merge sees it: its replicated fields only, live. */
export const editorState = (doc: Record<string, unknown>): DocState =>
  ({ ...toWireDoc('documents', doc), _deleted: false }) as unknown as DocState;

/** The fields of `edits` that differ from what the editor opened with. */
export function changedFields(base: DocState, edits: EditorFields): EditorFields {
  return Object.fromEntries(
    EDITOR_FIELDS.filter((field) => edits[field] !== undefined && edits[field] !== base[field]).map(
      (field) => [field, edits[field]],
    ),
  );
}

export function planEditorSave(
  base: DocState,
  edits: EditorFields,
  current: DocState,
  now: string,
): EditorSavePlan {
  const changed = changedFields(base, edits);
  if (Object.keys(changed).length === 0) return { write: null, conflict: null };
  // The row did not move while the editor was open: the edit applies as it is.
  if (replicatedDocsEqual('documents', base, current))
    return { write: { ...current, ...changed, updated_at: now }, conflict: null };
  const local: DocState = { ...base, ...changed, id: current.id, updated_at: now };
  const merged = threeWayMerge('documents', base, local, current);
  const write = { ...merged.doc, id: current.id };
  if (merged.conflictingFields.length === 0) return { write, conflict: null };
  return {
    write,
    conflict: {
      collection: 'documents',
      base,
      local,
      server: current,
      kept: write,
      fields: merged.conflictingFields,
      hunks: merged.hunks,
    },
  };
}

/**
 * Saves the editor's changes to document `uid`; true when part of them collided and was
 * recorded as a conflict (the dialog opens by itself). The merge runs inside the write, so a
 * pull landing meanwhile is merged too rather than overwritten.
 */
export async function saveEditedDocument(
  replica: Replica,
  uid: string,
  base: DocState,
  edits: EditorFields,
  now = new Date().toISOString(),
): Promise<{ conflicted: boolean }> {
  const row = await replica.collections.documents.findOne(uid).exec();
  if (!row)
    throw new Error(
      `Document ${uid} is no longer in this browser's copy (deleted, or your access was removed). Your text is kept as a draft here; copy it before leaving.`,
    );
  let plan: EditorSavePlan = { write: null, conflict: null };
  await row.incrementalModify((latest) => {
    plan = planEditorSave(base, edits, editorState(latest as Record<string, unknown>), now);
    if (!plan.write) return latest;
    const { _deleted: _ignored, ...fields } = plan.write;
    return Object.assign(latest, fields);
  });
  if (plan.conflict) await recordConflict(replica.collections.sync_conflicts, plan.conflict);
  return { conflicted: plan.conflict !== null };
}
