// Before each command: the VMs of `vmdesk test` runs that were killed (SIGKILL: no chance to stop them) are
// stopped and removed, and their results directories marked INTERRUPTED (src/main/checks/orphans.ts).
import { cleanUpOrphanedTests, orphanedTestVms } from '../main/checks/orphans';
import { vmdeskHome } from '../main/store/paths';
import type { CliIo } from './command';
import { openSupervisor } from './context';

/** Cleans up after killed test runs; never fails the command that runs next. */
export async function cleanUpInterruptedTests(io: CliIo): Promise<void> {
  try {
    const home = vmdeskHome();
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
