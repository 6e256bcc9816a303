// The /sync page's wizard: pick a direction, a target server, a repository and its documents,
// then start a push or pull and follow it; schedules and targets are edited alongside. The
// page renders this state and calls these actions; every API call of the wizard is here.
//
// The wizard lives as long as one visit of the page (useInstanceSyncWizard): leaving /sync
// and coming back starts from a fresh form, and polling of a running session stops.
import { errorMessage } from '../i18n/error-message';
import { t } from '../i18n';
import { computed, onScopeDispose, ref, watch } from 'vue';
import { defineStore, getActivePinia } from 'pinia';
import type {
  RemoteDocument,
  RemoteRepository,
  SyncDirection,
  SyncSchedule,
  SyncTarget,
} from '@wikisync/shared';
import { useAuthStore } from './auth';
import { createInstanceSyncClient } from '../api/instance-sync-client';
import { useInstanceSyncProgress } from '../composables/use-instance-sync-progress';
import { documentItemStates } from './instance-sync-item-states';

export type TargetInput = { url: string; name?: string; token?: string; signing_secret?: string };

export const useInstanceSyncWizardStore = defineStore('instance-sync-wizard', () => {
  const client = createInstanceSyncClient(useAuthStore().api);
  const progress = useInstanceSyncProgress(client);

  const direction = ref<SyncDirection>('push');
  const targets = ref<SyncTarget[]>([]);
  const targetsLoaded = ref(false);
  const targetId = ref<number | null>(null);
  const repositories = ref<RemoteRepository[]>([]);
  const repositoryId = ref<number | null>(null);
  const documents = ref<RemoteDocument[]>([]);
  const selectedDocuments = ref<number[]>([]);
  const clearFirst = ref(false);
  const schedules = ref<SyncSchedule[]>([]);
  const loading = ref(false);
  const busy = ref(false);
  const error = ref<string | null>(null);

  const target = computed(() => targets.value.find((each) => each.id === targetId.value) ?? null);
  const remoteOrigin = computed(() => target.value?.url.replace(/\/api\/sync$/, '') ?? '');
  const clearLabel = computed(() =>
    t(direction.value === 'push' ? 'instanceSync.clearTarget' : 'instanceSync.clearLocal'),
  );
  const repositorySchedules = computed(() =>
    schedules.value.filter(
      (schedule) =>
        schedule.repository_id === repositoryId.value &&
        schedule.direction === direction.value &&
        (targetId.value === null || schedule.target_id === targetId.value),
    ),
  );
  const itemStates = computed(() =>
    documentItemStates(progress.status.value, progress.detail.value, selectedDocuments.value),
  );

  /** Runs one API call; a failure becomes the message the page shows, and undefined. */
  async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    error.value = null;
    try {
      return await work();
    } catch (caught) {
      error.value = errorMessage(caught);
      return undefined;
    }
  }

  async function loadTargets() {
    targets.value = (await attempt(() => client.listTargets())) ?? [];
    targetsLoaded.value = true;
    if (targetId.value === null && targets.value[0]) targetId.value = targets.value[0].id;
  }

  async function loadRepositories() {
    repositories.value = [];
    repositoryId.value = null;
    if (direction.value === 'pull' && targetId.value === null) return;
    loading.value = true;
    const list = await attempt(() =>
      direction.value === 'push' ? client.localRepositories() : client.remoteRepositories(targetId.value!),
    );
    loading.value = false;
    repositories.value = list ?? [];
  }

  async function loadDocuments() {
    documents.value = [];
    selectedDocuments.value = [];
    if (repositoryId.value === null) return;
    const repository = repositoryId.value;
    loading.value = true;
    const list = await attempt(() =>
      direction.value === 'push'
        ? client.localDocuments(repository)
        : client.remoteDocuments(targetId.value!, repository),
    );
    loading.value = false;
    documents.value = list ?? [];
    selectedDocuments.value = documents.value.map((doc) => Number(doc.document_id));
  }

  async function loadSchedules() {
    schedules.value = (await attempt(() => client.schedules())) ?? [];
  }

  // Each choice reloads what depends on it: direction and (for pulls) target → repositories,
  // repository → documents, which are then all selected.
  watch(direction, () => {
    clearFirst.value = false;
    void loadRepositories();
  });
  watch(targetId, () => {
    if (direction.value === 'pull') void loadRepositories();
  });
  watch(repositoryId, () => void loadDocuments());

  /** The page was opened: targets first (the first one is preselected), then the rest. */
  async function open() {
    await loadTargets();
    await Promise.all([loadRepositories(), loadSchedules()]);
  }

  async function saveTarget(input: TargetInput) {
    busy.value = true;
    const saved = await attempt(() => client.saveTarget(input));
    busy.value = false;
    if (saved) {
      await loadTargets();
      targetId.value = saved.id;
    }
  }

  async function removeTarget(id: number) {
    await attempt(() => client.deleteTarget(id));
    targetId.value = null;
    await loadTargets();
    await loadSchedules();
  }

  /** `confirm` asks the operator before a clearing copy deletes anything. */
  async function start(confirm: (message: string) => boolean) {
    if (!target.value || repositoryId.value === null) {
      error.value = t('instanceSync.pickTargetAndRepository');
      return;
    }
    if (selectedDocuments.value.length === 0) {
      error.value = t('instanceSync.selectDocument');
      return;
    }
    if (
      clearFirst.value &&
      !confirm(
        direction.value === 'push'
          ? t('instanceSync.confirmClearTarget', { url: target.value.url })
          : t('instanceSync.confirmClearLocal'),
      )
    ) {
      return;
    }
    const all = selectedDocuments.value.length === documents.value.length;
    busy.value = true;
    const started = await attempt(() =>
      client.start(direction.value, {
        targetUrl: target.value!.url,
        repositoryId: repositoryId.value!,
        documentIds: all ? null : [...selectedDocuments.value],
        clear: clearFirst.value,
      }),
    );
    busy.value = false;
    if (started) progress.follow(started.sync_id);
  }

  async function cancel() {
    if (progress.status.value) await attempt(() => client.cancel(progress.status.value!.sync_id));
  }

  async function addSchedule(input: { cron: string; clear: boolean }) {
    if (targetId.value === null || repositoryId.value === null) return;
    busy.value = true;
    const saved = await attempt(() =>
      client.saveSchedule({
        ...input,
        target_id: targetId.value!,
        repository_id: repositoryId.value!,
        direction: direction.value,
      }),
    );
    busy.value = false;
    if (saved) await loadSchedules();
  }

  async function removeSchedule(id: number) {
    await attempt(() => client.deleteSchedule(id));
    await loadSchedules();
  }

  /** Where a listed document opens: here for a push, on the other server for a pull. */
  function documentLink(doc: RemoteDocument): string {
    return direction.value === 'push'
      ? `/repo/${repositoryId.value}/doc/${doc.document_id}`
      : `${remoteOrigin.value}/repo/${repositoryId.value}/doc/${doc.document_id}`;
  }

  return {
    direction,
    targets,
    targetsLoaded,
    targetId,
    repositories,
    repositoryId,
    documents,
    selectedDocuments,
    clearFirst,
    loading,
    busy,
    error,
    clearLabel,
    repositorySchedules,
    itemStates,
    session: progress.status,
    open,
    loadRepositories,
    saveTarget,
    removeTarget,
    start,
    cancel,
    addSchedule,
    removeSchedule,
    documentLink,
  };
});

/**
 * The wizard for one visit of the page: call it from the page's setup. When the page goes,
 * the store is disposed with its state, so the next visit gets a new one.
 */
export function useInstanceSyncWizard() {
  const wizard = useInstanceSyncWizardStore();
  const pinia = getActivePinia();
  onScopeDispose(() => {
    wizard.$dispose();
    if (pinia) delete pinia.state.value[wizard.$id];
  });
  return wizard;
}
