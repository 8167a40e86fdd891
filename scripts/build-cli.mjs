// Bundles the headless `vmdesk` command line (src/cli) for plain Node into out/cli/vmdesk.js, built so that
// Node does the least work at start (issue #17): the entry holds only the dispatcher and the command table;
// each command's code is a chunk (out/cli/chunks/) loaded by `await import()` when that command runs. zod and
// yaml are bundled (tree-shaken: zod's package is ~300 files, 0.1-0.5 s to load whole); the other runtime
// dependencies stay external (installed by npm; loaded only by the commands that use them). electron is
// never imported.
import { build } from 'vite';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bundled = new Set(['zod', 'yaml']);
const externalDeps = Object.keys(pkg.dependencies ?? {}).filter((d) => !bundled.has(d));
const external = [
  ...externalDeps,
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  /^@cdktf\/hcl2json/,
];

await build({
  configFile: false,
  logLevel: 'warn',
  define: { __VMDESK_VERSION__: JSON.stringify(pkg.version) },
  build: {
    ssr: 'src/cli/index.ts',
    outDir: 'out/cli',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: {
      external,
      output: { format: 'es', entryFileNames: 'vmdesk.js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  ssr: { noExternal: true, external: externalDeps },
});
