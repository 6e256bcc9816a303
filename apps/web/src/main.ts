// wikisync web app entry: Vue 3 + Pinia + vue-router.
// First, before any schema exists: the app's CSP allows no eval (see interpreted-parsers.ts).
import '@wikisync/shared/interpreted-parsers';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppRouter } from './router';
import { applyDocumentLanguage, i18n } from './i18n';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(createAppRouter());
applyDocumentLanguage();
app.mount('#app');

// The service worker keeps the app shell for offline starts; development serves from Vite.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch((error: unknown) => {
    console.warn('wikisync: offline start is unavailable, the service worker did not register', error);
  });
}
