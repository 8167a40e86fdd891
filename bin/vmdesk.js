#!/usr/bin/env node
// The `vmdesk` command: runs the built headless CLI (npm run build makes out/cli/vmdesk.js).
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node 22.1+ keeps the compiled bundle on disk between runs (less work at every start); Node 20 has no such
// cache, and the call is skipped there.
module.enableCompileCache?.();

const built = fileURLToPath(new URL('../out/cli/vmdesk.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write('vmdesk: the CLI is not built yet. Run `npm run build` in the vmdesk checkout first.\n');
  process.exit(1);
}
const { main } = await import(built);
process.exitCode = await main(process.argv.slice(2));
