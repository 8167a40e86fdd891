// Starts QEMU directly from a plan (the baseline): its own process group, stdout/stderr to the plan's
// stderr log, tracked so that cleanup SIGKILLs the group.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import type { Plan } from '../../../src/shared/plan';
import { trackGroup } from './processes';

/** A QEMU started by the bench. */
export interface RawQemu {
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Creates the plan's directories (as the supervisor would, beforehand) . */
export function prepareDirs(plan: Plan): void {
  mkdirSync(plan.paths.vmDir, { recursive: true, mode: 0o700 });
  mkdirSync(plan.paths.runtimeDir, { recursive: true, mode: 0o700 });
}

/** Spawns plan.binary with plan.argv exactly. */
export function spawnRaw(plan: Plan): RawQemu {
  const fd = openSync(plan.paths.stderrLog, 'a', 0o600);
  try {
    const child = spawn(plan.binary, plan.argv, { detached: true, stdio: ['ignore', fd, fd] });
    if (!child.pid) throw new Error(`could not start ${plan.binary}`);
    trackGroup(child.pid);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd);
  }
}
