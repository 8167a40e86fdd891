#!/usr/bin/env node
// The `vmdesk` command: runs the built headless CLI (npm run build makes out/cli/vmdesk.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../out/cli/vmdesk.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write('vmdesk: the CLI is not built yet. Run `npm run build` in the vmdesk checkout first.\n');
  process.exit(1);
}
const { main } = await import(built);
process.exitCode = await main(process.argv.slice(2));
