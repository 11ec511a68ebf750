import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/*
 * The station UI: built to renderer/dist, served by the station in browser mode
 * (station/http/station-http.ts) and loaded from file by the Electron shell (relative base).
 * No Node imports here: eslint treats renderer/** as browser code.
 */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: './',
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
