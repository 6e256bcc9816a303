// Token use per task of a repository. Task usages arrive by instance sync and are not part of
// the offline replica (they are bookkeeping, not something people edit), so the repository
// page asks the server when it can and shows nothing when it cannot.
import { ref, watch, type Ref } from 'vue';
import { useAuthStore } from '../stores/auth';

export interface TaskUsageTotal {
  task_uid: string;
  usages: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Totals by task uid for the repository with this server id (null: not known yet). */
export function useTaskUsage(repositoryId: Ref<number | null | undefined>) {
  const auth = useAuthStore();
  const totals = ref(new Map<string, TaskUsageTotal>());
  watch(
    repositoryId,
    async (id) => {
      if (id === null || id === undefined) return;
      try {
        const answer = await auth.api.request<{ items: TaskUsageTotal[] }>(
          'GET',
          `/api/repositories/${id}/task-usage`,
        );
        totals.value = new Map(answer.items.map((item) => [item.task_uid, item]));
      } catch {
        // Offline or refused: the page works without the totals.
      }
    },
    { immediate: true },
  );
  return totals;
}
