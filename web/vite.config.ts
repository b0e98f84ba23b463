/**
 * The console's build: `npm run build` writes web/dist (index.html and hashed
 * assets under /assets/), which the local gateway serves and the Console
 * construct uploads. Everything is bundled: nothing is loaded from elsewhere.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // One CSP (script-src 'self'): no inline scripts, no inlined assets as data: URLs.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
