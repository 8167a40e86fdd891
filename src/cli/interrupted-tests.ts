// Before each command: the VMs of `vmdesk test` runs that were killed (SIGKILL: no chance to stop them) are
// stopped and removed, and their results directories marked INTERRUPTED (src/main/checks/orphans.ts).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { vmdeskHome } from '../main/store/paths';
import type { CliIo } from './command';

/**
 * True when a running test's record exists. Cheap (one readdir), so that the commands do not load the checks
 * code, zod and the supervisor for it: there is almost never one. The directory is orphans.ts's testRunsDir.
 */
function anyTestRunRecords(home: string): boolean {
  try {
    return readdirSync(join(home, 'test-runs')).some((n) => n.endsWith('.json'));
  } catch {
    return false;
  }
}

/** Cleans up after killed test runs; never fails the command that runs next. */
export async function cleanUpInterruptedTests(io: CliIo): Promise<void> {
  try {
    const home = vmdeskHome();
    if (!anyTestRunRecords(home)) return;
    const { cleanUpOrphanedTests, orphanedTestVms } = await import('../main/checks/orphans');
    const { openSupervisor } = await import('./context');
    const orphans = orphanedTestVms(home);
    if (orphans.length === 0) return;
    const sup = openSupervisor();
    try {
      for (const vm of await cleanUpOrphanedTests(home, sup, orphans)) {
        io.err(`vmdesk: stopped and removed ${vm}, left running by an interrupted vmdesk test\n`);
      }
    } finally {
      await sup.close();
    }
  } catch (err) {
    io.err(`vmdesk: could not clean up after an interrupted vmdesk test: ${(err as Error).message}\n`);
  }
}
