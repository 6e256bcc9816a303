import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useAuthStore } from './stores/auth';

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'repositories', component: () => import('./pages/RepositoriesPage.vue') },
  {
    path: '/repo/:repoId',
    name: 'repository',
    component: () => import('./pages/RepositoryPage.vue'),
    props: true,
  },
  {
    path: '/repo/:repoId/doc/:docId',
    name: 'document',
    component: () => import('./pages/DocumentPage.vue'),
    props: true,
  },
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('./pages/SignInPage.vue'),
    meta: { public: true },
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
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
