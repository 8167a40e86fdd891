// Every process the bench starts is tracked here and SIGKILLed at the end, on error and on Ctrl-C:
// process groups (QEMU is started detached, in its own group) and directories (any process whose command
// line names a bench temp dir, e.g. a QEMU started by a supervisor worker, is killed).
import { pidsWithArg } from '../../../src/main/supervisor/proc';

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
    for (const pid of pidsWithArg(dir)) {
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
