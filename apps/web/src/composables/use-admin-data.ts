// What the admin page's panels share: the admin API, and the users and repositories they
// offer in their pickers, reloaded after a change so every panel shows the same state.
import { errorMessage } from '../i18n/error-message';
import { onMounted, ref } from 'vue';
import type { AdminUser, Repository } from '@wikisync/shared';
import { createAdminClient } from '../api/admin-client';
import { useAuthStore } from '../stores/auth';

export function useAdminData() {
  const auth = useAuthStore();
  const admin = createAdminClient(auth.api);
  const users = ref<AdminUser[]>([]);
  const repositories = ref<Repository[]>([]);
  const error = ref<string | null>(null);

  async function reloadUsers() {
    users.value = await admin.listUsers();
  }

  /** Every repository, a page of 200 at a time. */
  async function allRepositories(): Promise<Repository[]> {
    const all: Repository[] = [];
    for (;;) {
      const page = await auth.api.listRepositories(200, all.length);
      all.push(...page.items);
      if (page.items.length === 0 || all.length >= page.total) return all;
    }
  }

  onMounted(async () => {
    try {
      const [userList, repositoryList] = await Promise.all([admin.listUsers(), allRepositories()]);
      users.value = userList;
      repositories.value = repositoryList;
    } catch (caught) {
      error.value = errorMessage(caught);
    }
  });

  return { admin, users, repositories, error, reloadUsers };
}

export type AdminData = ReturnType<typeof useAdminData>;
