// Bundles the headless `vmdesk` command line (src/cli) for plain Node into out/cli/vmdesk.js.
// Runtime dependencies stay external (they are installed by npm); electron is never imported.
import { build } from 'vite';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [
  ...Object.keys(pkg.dependencies ?? {}),
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
      output: { format: 'es', entryFileNames: 'vmdesk.js' },
    },
  },
  ssr: { noExternal: true, external: Object.keys(pkg.dependencies ?? {}) },
});
