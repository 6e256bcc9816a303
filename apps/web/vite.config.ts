import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// In development the API is the server on :3000; in production the server serves this build.
export default defineConfig({
  plugins: [vue()],
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
