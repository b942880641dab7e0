/**
 * Build of the three Electron bundles into out/: main (ESM, Node), preload (CommonJS: a
 * sandboxed preload cannot load ES modules) and the renderer (React). See docs/app.md.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      lib: { entry: { index: resolve(root, 'src-main/app/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload can require only 'electron': zod and the contract are bundled in.
      externalizeDeps: false,
      lib: { entry: { index: resolve(root, 'src-main/preload/index.ts') }, formats: ['cjs'] },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // No inline <script>/<style> and no data: modules: the CSP forbids them.
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
