import { defineConfig } from 'vite';

export default defineConfig({
  // Assets are addressed relative to the page's <base>, which the server sets to BASE_PATH.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/api': 'http://127.0.0.1:1234', '/ws': { target: 'ws://127.0.0.1:1234', ws: true } } },
});
