// The signed-in user's token, kept in localStorage so a reload (or an offline start) keeps it.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { createApiClient } from '../api/client';

const STORAGE_KEY = 'wikisync.token';

export const useAuthStore = defineStore('auth', () => {
  const token = ref<string | null>(localStorage.getItem(STORAGE_KEY));
  const userName = ref<string | null>(localStorage.getItem(`${STORAGE_KEY}.user`));
  /** Whether the user may use instance sync; null until the server has said (older sign-ins). */
  const storedAdmin = localStorage.getItem(`${STORAGE_KEY}.admin`);
  const isAdmin = ref<boolean | null>(storedAdmin === null ? null : storedAdmin === 'true');
  const api = createApiClient(() => token.value);

  const signedIn = computed(() => token.value !== null);

  /** Checks the token against the server before keeping it. */
  async function signIn(candidate: string): Promise<void> {
    const trimmed = candidate.trim();
    const probe = createApiClient(() => trimmed);
    const me = await probe.me();
    token.value = trimmed;
    localStorage.setItem(STORAGE_KEY, trimmed);
    remember(me);
  }

  /** Name and password: the server answers with a session token, kept like a pasted one. */
  async function signInWithPassword(name: string, password: string): Promise<void> {
    const session = await createApiClient(() => null).signIn(name.trim(), password);
    token.value = session.token;
    localStorage.setItem(STORAGE_KEY, session.token);
    remember(session.user);
  }

  /**
   * Ends the session on the server, so the token is worthless even if a copy of it remains.
   * Offline (or a pasted API token, which the server leaves alone) it only forgets it here; a
   * session then expires by itself.
   */
  async function endSession(): Promise<void> {
    if (token.value === null) return;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 3_000));
    await Promise.race([api.signOut().catch(() => {}), timeout]);
  }

  function remember(me: { name: string; is_admin: boolean }) {
    userName.value = me.name;
    isAdmin.value = me.is_admin;
    localStorage.setItem(`${STORAGE_KEY}.user`, me.name);
    localStorage.setItem(`${STORAGE_KEY}.admin`, String(me.is_admin));
  }

  /**
   * Asks the server whether the user is still an administrator (rights change); offline keeps
   * what is known. The name is left as signed in: it names the replica, and switching it here
   * would leave the open replica behind.
   */
  async function refresh(): Promise<void> {
    if (token.value === null) return;
    try {
      const me = await api.me();
      isAdmin.value = me.is_admin;
      localStorage.setItem(`${STORAGE_KEY}.admin`, String(me.is_admin));
    } catch {
      // Offline or refused: the stored answer stands; a refused token shows up on the next call.
    }
  }

  function signOut(): void {
    token.value = null;
    userName.value = null;
    isAdmin.value = null;
    localStorage.removeItem(STORAGE_KEY);
    localStorage.removeItem(`${STORAGE_KEY}.user`);
    localStorage.removeItem(`${STORAGE_KEY}.admin`);
  }

  return {
    token,
    userName,
    isAdmin,
    signedIn,
    api,
    signIn,
    signInWithPassword,
    endSession,
    signOut,
    refresh,
  };
});
