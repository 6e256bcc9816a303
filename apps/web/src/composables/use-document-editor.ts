// The document page's editor: the state it opened from (its base), the person's title and
// text, and their life outside the page. Save goes through the three-way merge of
// sync/editor-save.ts, so what changed while the editor was open is kept. Unsaved text is
// written to a local draft as it is typed (coalesced: at most one write in flight, then the
// latest text), so leaving the page or reloading the tab loses nothing; opening the document
// again offers the draft back. Saving or cancelling clears it.
import { t } from '../i18n';
import { errorMessage } from '../i18n/error-message';
import { computed, ref, watch, type Ref } from 'vue';
import { replicatedDocsEqual } from '@wikisync/shared';
import { useSyncStore } from '../stores/sync';
import type { DocumentDoc } from '../sync';
import type { DocState } from '../sync/conflict-schema';
import type { EditorDraft } from '../sync/editor-drafts';
import { changedFields, editorState, type EditorFields } from '../sync/editor-save';

export function useDocumentEditor(document: Ref<DocumentDoc | null>) {
  const sync = useSyncStore();
  const editing = ref(false);
  const base = ref<DocState | null>(null);
  const title = ref('');
  const content = ref('');
  /** A draft left from an earlier visit, offered back until restored or discarded. */
  const offeredDraft = ref<EditorDraft | null>(null);
  /** After a save: whether part of it collided and waits in the conflict dialog. */
  const outcome = ref<'saved' | 'conflicted' | null>(null);
  const error = ref<string | null>(null);
  /** When the unsaved text was last kept in this browser (shown, so people can trust it). */
  const draftKeptAt = ref<string | null>(null);

  const fields = (): EditorFields => ({ title: title.value, content: content.value });
  /** The document moved since the editor opened (a pull, another tab): Save will merge. */
  const movedElsewhere = computed(
    () =>
      editing.value &&
      base.value !== null &&
      document.value !== null &&
      !replicatedDocsEqual('documents', base.value, editorState(document.value)),
  );
  const changed = computed(() =>
    base.value ? Object.keys(changedFields(base.value, fields())).length > 0 : false,
  );

  // The draft writer: one write at a time; the newest state wins, nothing waits on a timer.
  let writing: Promise<void> = Promise.resolve();
  let queued = false;
  function writeDraft() {
    if (queued) return;
    queued = true;
    writing = writing.then(async () => {
      queued = false;
      const opened = base.value;
      if (!editing.value || !opened) return;
      try {
        if (changed.value) {
          const savedAt = new Date().toISOString();
          await sync.storeEditorDraft({ uid: opened.uid, fields: fields(), base: opened, saved_at: savedAt });
          draftKeptAt.value = savedAt;
        } else {
          await sync.clearEditorDraft(opened.uid);
          draftKeptAt.value = null;
        }
      } catch {
        // A replica closing on sign-out; the text is still on screen.
      }
    });
  }
  watch([title, content], () => editing.value && writeDraft());

  function open(from: DocState, values: EditorFields) {
    base.value = from;
    title.value = values.title ?? String(from.title ?? '');
    content.value = values.content ?? String(from.content ?? '');
    outcome.value = null;
    error.value = null;
    draftKeptAt.value = null;
    editing.value = true;
  }

  function start() {
    if (!document.value) return;
    // Editing afresh: an offered draft goes out of view (it stays stored until the new text replaces it).
    offeredDraft.value = null;
    open(editorState(document.value), {});
  }

  // The document opened: offer a draft an earlier visit left.
  watch(
    () => document.value?.uid,
    async (uid) => {
      offeredDraft.value = null;
      // The page moved to another document while editing: that text is in its draft already.
      if (uid && editing.value && base.value && base.value.uid !== uid) editing.value = false;
      if (!uid) return;
      const draft = await sync.loadEditorDraft(uid).catch(() => null);
      if (draft && document.value?.uid === uid && !editing.value) offeredDraft.value = draft;
    },
    { immediate: true },
  );

  function restoreDraft() {
    const draft = offeredDraft.value;
    if (!draft) return;
    offeredDraft.value = null;
    open(draft.base, draft.fields);
  }

  async function discardDraft() {
    const draft = offeredDraft.value;
    offeredDraft.value = null;
    if (draft) await sync.clearEditorDraft(draft.uid);
  }

  async function finish(uid: string) {
    editing.value = false;
    await writing;
    await sync.clearEditorDraft(uid);
  }

  async function save() {
    const opened = base.value;
    if (!opened) return;
    error.value = null;
    try {
      const { conflicted } = await sync.saveDocumentEdit(opened.uid, opened, {
        ...fields(),
        title: title.value.trim() || String(opened.title),
      });
      await finish(opened.uid);
      outcome.value = conflicted ? 'conflicted' : 'saved';
    } catch (caught) {
      error.value = errorMessage(caught);
    }
  }

  /** Cancel asks first when there are changes; false when the person chose to keep editing. */
  async function cancel(confirmDiscard: (question: string) => boolean): Promise<boolean> {
    const opened = base.value;
    if (!opened) return true;
    if (changed.value && !confirmDiscard(t('document.confirmDiscard'))) return false;
    await finish(opened.uid);
    return true;
  }

  return {
    editing,
    title,
    content,
    changed,
    movedElsewhere,
    draftKeptAt,
    offeredDraft,
    outcome,
    error,
    start,
    save,
    cancel,
    restoreDraft,
    discardDraft,
  };
}
