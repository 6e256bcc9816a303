import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useAuthStore } from './stores/auth';
// Pages are imported statically: the app must open offline, so every page ships in the
// one bundle that the service worker caches.
import RepositoriesPage from './pages/RepositoriesPage.vue';
import RepositoryPage from './pages/RepositoryPage.vue';
import DocumentPage from './pages/DocumentPage.vue';
import InstanceSyncPage from './pages/instance-sync/InstanceSyncPage.vue';
import InstanceSyncHistoryPage from './pages/instance-sync/InstanceSyncHistoryPage.vue';
import InstanceSyncSessionPage from './pages/instance-sync/InstanceSyncSessionPage.vue';
import SignInPage from './pages/SignInPage.vue';
import AdminPage from './pages/AdminPage.vue';
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
  // Server-to-server sync keeps the seed's URLs (/sync, /sync/history); its code says instance-sync.
  // Only administrators may start or watch copies between servers (the server answers 403).
  { path: '/sync', name: 'instance-sync', component: InstanceSyncPage, meta: { adminOnly: true } },
  {
    path: '/sync/history',
    name: 'instance-sync-history',
    component: InstanceSyncHistoryPage,
    meta: { adminOnly: true },
  },
  {
    path: '/sync/history/:sessionId',
    name: 'instance-sync-session',
    component: InstanceSyncSessionPage,
    props: true,
    meta: { adminOnly: true },
  },
  { path: '/admin', name: 'admin', component: AdminPage, meta: { adminOnly: true } },
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
  router.beforeEach(async (to) => {
    const auth = useAuthStore();
    if (!to.meta.public && !auth.signedIn) return { name: 'sign-in', query: { next: to.fullPath } };
    if (to.meta.adminOnly) {
      if (auth.isAdmin === null) await auth.refresh();
      if (!auth.isAdmin) return { name: 'repositories' };
    }
    return true;
  });
  return router;
}
