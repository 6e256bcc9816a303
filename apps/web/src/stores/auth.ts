// The signed-in user's token, kept in localStorage so a reload (or an offline start) keeps it.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { createApiClient } from '../api/client';

const STORAGE_KEY = 'wikisync.token';

export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | null>(localStorage.getItem(STORAGE_KEY));
  const userName = ref<string | null>(localStorage.getItem(`${STORAGE_KEY}.user`));
  const api = createApiClient(() => token.value);

  const signedIn = computed(() => token.value !== null);

  /** Checks the token against the server before keeping it. */
  async function signIn(candidate: string): Promise<void> {
    const trimmed = candidate.trim();
    const probe = createApiClient(() => trimmed);
    const me = await probe.me();
    token.value = trimmed;
    userName.value = me.name;
    localStorage.setItem(STORAGE_KEY, trimmed);
    localStorage.setItem(`${STORAGE_KEY}.user`, me.name);
  }

  function signOut(): void {
    token.value = null;
    userName.value = null;
    localStorage.removeItem(STORAGE_KEY);
    localStorage.removeItem(`${STORAGE_KEY}.user`);
  }

  return { token, userName, signedIn, api, signIn, signOut };
});
