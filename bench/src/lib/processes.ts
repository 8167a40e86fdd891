// Every process the bench starts is tracked here and SIGKILLed at the end, on error and on Ctrl-C:
// process groups (QEMU is started detached, in its own group) and directories (any process whose command
// line names a bench temp dir, e.g. a QEMU started by a supervisor worker, is killed).
import { readFileSync, readdirSync } from 'node:fs';

const groups = new Set<number>();
const dirs = new Set<string>();

/** Registers a process group leader (a child spawned with detached: true). */
export function trackGroup(pid: number | undefined): void {
  if (pid) groups.add(pid);
}

/** Registers a directory: processes whose command line mentions it are killed at cleanup. */
export function trackDir(dir: string): void {
  dirs.add(dir);
}

/** Live, non-zombie pids whose command line contains `text`. */
export function pidsMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) continue;
      if (/\nState:\s+Z/.test(readFileSync(`/proc/${entry}/status`, 'utf8'))) continue;
      found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** SIGKILLs a process group; true when it existed. */
export function killGroup(pid: number): boolean {
  groups.delete(pid);
  try {
    process.kill(-pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs every tracked group and every process naming a tracked directory. Returns how many it hit. */
export function killEverything(): number {
  let n = 0;
  for (const pid of [...groups]) if (killGroup(pid)) n++;
  for (const dir of dirs) {
    for (const pid of pidsMentioning(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
        n++;
      } catch {
        // already gone
      }
    }
  }
  return n;
}

/** Kills everything on exit and on SIGINT/SIGTERM (then exits 130/143). */
export function installCleanupHandlers(): void {
  process.on('exit', () => killEverything());
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(sig, () => {
      killEverything();
      process.exit(code);
    });
  }
}
