// Editing one task row of a repository not kept offline: the editor opens from the task as the
// server has it now (and its ETag), and Save sends the change with If-Match. When someone else
// saved first (412), the person's values stay in the row and `conflict` holds the server's, so
// they choose: keep theirs (sent again against the server's version) or take the server's.
import { ref } from 'vue';
import type { Task, TaskUpdate } from '@wikisync/shared';
import { ApiError } from '../api/client';
import { t } from '../i18n';
import { errorMessage } from '../i18n/error-message';
import type { OnlineTaskAccess } from './use-online-repository';

type TaskFields = Required<Pick<TaskUpdate, 'title' | 'status'>>;

export function useOnlineTaskEdit(access: () => OnlineTaskAccess | undefined) {
  const etag = ref<string | null>(null);
  /** The task as the server had it when it refused the save. */
  const conflict = ref<Task | null>(null);
  const error = ref<string | null>(null);
  const busy = ref(false);

  function failed(caught: unknown) {
    error.value =
      caught instanceof ApiError && caught.status === 0 ? t('task.onlineNeedsNetwork') : errorMessage(caught);
  }

  /** The server's current values to open the editor with; null (and `error`) when unreadable. */
  async function open(id: number): Promise<TaskFields | null> {
    const online = access();
    if (!online) return null;
    error.value = null;
    conflict.value = null;
    try {
      const tagged = await online.read(id);
      etag.value = tagged.etag;
      online.show(tagged.row);
      return { title: tagged.row.title, status: tagged.row.status };
    } catch (caught) {
      failed(caught);
      return null;
    }
  }

  /** True when written; false when refused (see `conflict` and `error`), the values kept. */
  async function save(id: number, fields: TaskFields): Promise<boolean> {
    const online = access();
    if (!online || !etag.value || busy.value) return false;
    busy.value = true;
    error.value = null;
    try {
      await online.write(id, fields, etag.value);
      conflict.value = null;
      return true;
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'PRECONDITION_FAILED' && caught.etag && caught.data) {
        conflict.value = caught.data as Task;
        etag.value = caught.etag;
      } else failed(caught);
      return false;
    } finally {
      busy.value = false;
    }
  }

  /** Takes the server's version: shown in the list, the edit ends. */
  function useServer() {
    const server = conflict.value;
    if (server) access()?.show(server);
    conflict.value = null;
    error.value = null;
  }

  return { conflict, error, busy, open, save, useServer };
}
