import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Vite builds the renderer only; main and preload are bundled by esbuild (scripts/build.mjs),
// which needs no Electron binary and emits the CommonJS preload a sandboxed window requires.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    // No inline module-preload polyfill: the CSP allows no inline script.
    modulePreload: { polyfill: false },
  },
});
