// Makes sure no QEMU a test started outlives the test, even when the test fails: a registry of pids and
// of directories whose processes (found by their command line) are SIGKILLed at cleanup.
import { readFileSync, readdirSync } from 'node:fs';

const pids = new Set<number>();
const dirs = new Set<string>();

/** Registers a pid to SIGKILL at cleanup. */
export function trackPid(pid: number | undefined): void {
  if (pid) pids.add(pid);
}

/** Registers a directory: any process whose command line mentions it is SIGKILLed at cleanup. */
export function trackDir(dir: string): void {
  dirs.add(dir);
}

/** Pids of live processes whose command line contains `text`. */
export function pidsMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(text) && !isZombie(pid)) found.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function isZombie(pid: number): boolean {
  try {
    return /\nState:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** SIGKILLs every tracked pid and every process mentioning a tracked dir; returns what it killed. */
export function killTracked(): number[] {
  const victims = new Set<number>();
  for (const pid of pids) victims.add(pid);
  for (const dir of dirs) for (const pid of pidsMentioning(dir)) victims.add(pid);
  const killed: number[] = [];
  for (const pid of victims) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  pids.clear();
  dirs.clear();
  return killed;
}
