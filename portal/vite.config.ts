import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/*
 * The portal: one Svelte 5 app, built to portal/dist and served by the server
 * (server/routes/portal-static.ts). Tests build it elsewhere with build({ build: { outDir } }).
 * No Node imports here: eslint treats portal/** as browser code.
 */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // bwip-js and zxing are loaded on demand and are large by nature.
    chunkSizeWarningLimit: 1200,
  },
});
