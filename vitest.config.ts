import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit, integration (real QEMU) and renderer (real Chromium) tests. Two workers: the machines have 2 cores.
// `electron` resolves to a FAKE (test/helpers/fake-electron.ts): the Electron binary cannot run here. The
// fake applies to our sources, the built out/main bundle and electron-store (inlined so the alias reaches it).
export default defineConfig({
  resolve: {
    alias: { electron: fileURLToPath(new URL('./test/helpers/fake-electron.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/electron/**', 'node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    server: { deps: { inline: ['electron-store'] } },
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
