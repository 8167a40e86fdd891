import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Builds main (ESM), preload (CommonJS, so it runs in a sandboxed renderer) and the React renderer.
// None of it needs the Electron binary.
const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string };

export default defineConfig({
  main: {
    // The version in the main process too (the host fingerprint cache's key), as scripts/build-cli.mjs does for the CLI.
    define: { __VMDESK_VERSION__: JSON.stringify(pkg.version) },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve('src/main/index.ts') },
        // The entry keeps no exports of its own: code shared with the lazily loaded chunks goes into a chunk of
        // its own, so a chunk never imports index.js (which would run the app's start again wherever index.js
        // is evaluated as a new module, as the test harness does per launch).
        preserveEntrySignatures: 'strict',
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else (the contract, zod) into it.
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // Minified: the first paint waits for the entry chunk (React) to be parsed, and parsing half the bytes is faster.
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
