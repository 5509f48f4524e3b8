import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Builds the three Electron bundles into out/: main (Node, ESM), preload (CommonJS, because a
// sandboxed preload cannot be an ES module) and renderer (browser). Dependencies of main stay
// external, so better-sqlite3's native addon is loaded from node_modules and never bundled.
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload may require only 'electron' (and a few others), so everything else it
      // imports (shared types compile away; shared code would not) is bundled into one file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    // Relative asset URLs, so the same build loads from app://, file:// wrappers or a test server.
    base: './',
    build: {
      // Minified: the screens' start-up JS is a budget (renderer_js_gzip_kb in `npm run bench`).
      minify: true,
      // Our own budget is the gzipped start-up JS (bench); the phone metadata alone is 150 kB raw.
      chunkSizeWarningLimit: 1024,
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
