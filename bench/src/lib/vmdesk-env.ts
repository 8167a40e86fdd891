// A throw-away vmdesk home and short runtime dir for one part of the run, with the env a vmdesk process needs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteContext } from '../suite';

/** Temp $VMDESK_HOME (with a tasks/ dir) and $VMDESK_RUNTIME_DIR. */
export interface BenchHome {
  home: string;
  tasks: string;
  runtimeDir: string;
  env: NodeJS.ProcessEnv;
}

/** Makes a fresh home; both dirs are removed and their processes killed at cleanup. */
export function benchHome(ctx: SuiteContext, label: string): BenchHome {
  const home = ctx.tempDir(`vmdesk-bench-${label}`);
  const runtimeDir = ctx.tempDir('vd');
  const tasks = join(home, 'tasks');
  mkdirSync(tasks, { recursive: true });
  return { home, tasks, runtimeDir, env: { ...process.env, VMDESK_HOME: home, VMDESK_RUNTIME_DIR: runtimeDir } };
}
