// Editing a document of a repository not kept offline: the text goes straight to the server
// by REST, with the version it was opened from as If-Match, so it never overwrites a change
// it did not see. When the server refuses (412, someone saved first), the person's text stays
// in the editor and `conflict` holds both versions for the conflict dialog: keeping theirs
// (or a merge) sends it again against the server's new version, taking the server's ends the
// edit. A save that cannot reach the server keeps the text too and says so.
import { computed, ref } from 'vue';
import type { Document } from '@wikisync/shared';
import { ApiError } from '../api/client';
import type { ConflictChoice, ConflictView } from '../components/sync/ConflictDialog.vue';
import { t } from '../i18n';
import { errorMessage } from '../i18n/error-message';
import { useAuthStore } from '../stores/auth';
import type { OnlineDocument } from './use-online-repository';

type Fields = { title: string; content: string };

export function useOnlineDocumentEditor(online: OnlineDocument) {
  const auth = useAuthStore();
  const editing = ref(false);
  const saving = ref(false);
  const title = ref('');
  const content = ref('');
  /** What the editor opened from, shown as the common base in the conflict dialog. */
  const base = ref<Fields | null>(null);
  /** The version the next save is written against (If-Match). */
  const against = ref<string | null>(null);
  const error = ref<string | null>(null);
  const saved = ref(false);
  /** A save the server refused because the document had changed: both versions. */
  const conflict = ref<ConflictView | null>(null);
  /** The server's row and ETag behind `conflict`. */
  let refused: { row: Document; etag: string } | null = null;

  const changed = computed(
    () => base.value !== null && (base.value.title !== title.value || base.value.content !== content.value),
  );

  function start() {
    const row = online.row.value;
    if (!row || !online.etag.value) return;
    base.value = { title: row.title, content: row.content };
    title.value = row.title;
    content.value = row.content;
    against.value = online.etag.value;
    error.value = null;
    saved.value = false;
    editing.value = true;
  }

  function stop() {
    editing.value = false;
    base.value = null;
    conflict.value = null;
    refused = null;
  }

  async function save() {
    const row = online.row.value;
    if (!row || !against.value || saving.value) return;
    saving.value = true;
    error.value = null;
    const mine: Fields = { title: title.value.trim() || row.title, content: content.value };
    try {
      online.replace(await auth.api.updateDocument(row.id, mine, against.value));
      stop();
      saved.value = true;
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'PRECONDITION_FAILED' && caught.etag && caught.data) {
        const server = caught.data as Document;
        refused = { row: server, etag: caught.etag };
        conflict.value = {
          id: `online-${row.uid}-${caught.etag}`,
          collection: 'documents',
          uid: row.uid,
          base: base.value ? { ...base.value } : null,
          local: { ...mine },
          server: { title: server.title, content: server.content },
        };
      } else if (caught instanceof ApiError && caught.status === 0) {
        error.value = t('document.onlineSaveNeedsNetwork');
      } else {
        error.value = errorMessage(caught);
      }
    } finally {
      saving.value = false;
    }
  }

  /** The person's choice in the conflict dialog. */
  async function resolve(choice: ConflictChoice) {
    const server = refused;
    if (!server) return;
    conflict.value = null;
    refused = null;
    if (choice.resolution === 'server') {
      online.replace(server);
      stop();
      return;
    }
    // Theirs or a merge, written against the version the server has now.
    title.value = String(choice.document.title ?? title.value);
    content.value = String(choice.document.content ?? content.value);
    base.value = { title: server.row.title, content: server.row.content };
    against.value = server.etag;
    await save();
  }

  /** "Later": the dialog closes, the person's text stays in the editor, nothing is sent. */
  function later() {
    conflict.value = null;
    refused = null;
    error.value = t('document.onlineConflictLater');
  }

  function cancel(confirmDiscard: (question: string) => boolean) {
    if (changed.value && !confirmDiscard(t('document.confirmDiscard'))) return;
    stop();
    error.value = null;
  }

  return {
    editing,
    saving,
    title,
    content,
    changed,
    error,
    saved,
    conflict,
    start,
    save,
    resolve,
    later,
    cancel,
  };
}
