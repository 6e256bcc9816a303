import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useAuthStore } from './stores/auth';
// Pages are imported statically: the app must open offline, so every page ships in the
// one bundle that the service worker caches.
import RepositoriesPage from './pages/RepositoriesPage.vue';
import RepositoryPage from './pages/RepositoryPage.vue';
import DocumentPage from './pages/DocumentPage.vue';
import SyncPage from './pages/SyncPage.vue';
import SyncHistoryPage from './pages/SyncHistoryPage.vue';
import SyncSessionPage from './pages/SyncSessionPage.vue';
import SignInPage from './pages/SignInPage.vue';
import NotFoundPage from './pages/NotFoundPage.vue';

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'repositories', component: RepositoriesPage },
  {
    path: '/repo/:repoId',
    name: 'repository',
    component: RepositoryPage,
    props: true,
  },
  {
    path: '/repo/:repoId/doc/:docId',
    name: 'document',
    component: DocumentPage,
    props: true,
  },
  { path: '/sync', name: 'sync', component: SyncPage },
  { path: '/sync/history', name: 'sync-history', component: SyncHistoryPage },
  { path: '/sync/history/:sessionId', name: 'sync-session', component: SyncSessionPage, props: true },
  {
    path: '/sign-in',
    name: 'sign-in',
    component: SignInPage,
    meta: { public: true },
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundPage },
];

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(), routes });
  router.beforeEach((to) => {
    const auth = useAuthStore();
    if (!to.meta.public && !auth.signedIn) return { name: 'sign-in', query: { next: to.fullPath } };
    return true;
  });
  return router;
}
