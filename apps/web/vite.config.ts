import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// In development the API is the server on :3000; in production the server serves this build.
export default defineConfig({
  plugins: [vue()],
  // vue-i18n's bundler build: composition API only, so the legacy API is left out of the bundle.
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/health': 'http://localhost:3000',
    },
  },
  build: {
    sourcemap: true,
  },
});
