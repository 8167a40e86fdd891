import { defineConfig } from 'vitest/config';

// Unit, integration (real QEMU) and renderer (real Chromium) tests. Two workers: the machines have 2 cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/electron/**', 'node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
