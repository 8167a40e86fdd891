#!/usr/bin/env node
// `npm run bench` (full) and `npm run bench -- --quick`. Options: --only start,console,... (run some suites:
// start, console, scale, renderer, app, artifacts, seed, checks, display; latest.json keeps the other
// suites' figures from before, marked as such), --no-build (reuse out/ and the built guest), --report-only
// (re-render BENCHMARKS.md from bench/results/ and bench/findings.md without measuring).
// Every run is also kept as bench/results/<UTC time>-<host>.json (the newest 10).
// Builds the app bundles and the CLI (npm run build), the test guest (test/guest/build-guest.mjs), then
// bundles the bench itself (bench/src, TypeScript) with Vite into out/bench/ and runs out/bench/main.js.
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const args = process.argv.slice(2);

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`bench: \`${cmd} ${argv.join(' ')}\` failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
}

if (!args.includes('--no-build') && !args.includes('--report-only')) {
  run('npm', ['run', '--silent', 'build']);
  run('node', ['test/guest/build-guest.mjs']);
}

const { build } = await import('vite');
await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: 'out/bench',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: {
      input: {
        main: 'bench/src/main.ts',
        'supervisor-worker': 'bench/src/worker/supervisor-worker.ts',
        'launch-main': 'bench/src/app/launch-main.ts',
        'fake-electron': 'test/helpers/fake-electron.ts',
      },
      external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), /^electron$/],
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});

const { main } = await import(new URL('../out/bench/main.js', import.meta.url).href);
process.exitCode = await main(args);
