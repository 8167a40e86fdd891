// A `vmdesk test` killed with SIGKILL cannot stop its VM. So each run records its VM in
// $VMDESK_HOME/test-runs/<vm>.json (with the test's pid and start time) before starting it, and removes the
// record when the run ends. The next vmdesk command (src/cli/index.ts) stops and removes the VM of a record
// whose process is gone, copies its logs into the run's results directory and marks it INTERRUPTED.
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { SupervisorApi } from '../supervisor/api';
import { writeFileAtomic } from '../supervisor/atomic-file';
import { isSameProcess, readProcStat } from '../supervisor/proc';
import { vmDir, vmLogFile } from '../store/paths';

/** One running test VM, as recorded. */
const testVmRecordSchema = z.object({ vm: z.string(), pid: z.number().int(), startTime: z.number().optional(), resultsDir: z.string(), startedAt: z.string() });

/** One running test VM, as recorded. */
export type TestVmRecord = z.infer<typeof testVmRecordSchema>;

/** Where the records live. Pure. */
export function testRunsDir(home: string): string {
  return join(home, 'test-runs');
}

/** Records that this process runs a test on `vm` (before the VM is started). */
export function recordTestVm(home: string, vm: string, resultsDir: string): void {
  mkdirSync(testRunsDir(home), { recursive: true, mode: 0o700 });
  const rec: TestVmRecord = { vm, pid: process.pid, startTime: readProcStat(process.pid)?.startTime, resultsDir, startedAt: new Date().toISOString() };
  writeFileAtomic(join(testRunsDir(home), `${vm}.json`), `${JSON.stringify(rec)}\n`);
}

/** Removes the record once the run has dealt with its VM. */
export function clearTestVm(home: string, vm: string): void {
  rmSync(join(testRunsDir(home), `${vm}.json`), { force: true });
}

/** Records whose test process is gone (unreadable records count as gone). */
export function orphanedTestVms(home: string, alive: (pid: number, startTime: number | undefined) => boolean = isSameProcess): TestVmRecord[] {
  let names: string[];
  try {
    names = readdirSync(testRunsDir(home)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: TestVmRecord[] = [];
  for (const n of names) {
    try {
      const rec = testVmRecordSchema.parse(JSON.parse(readFileSync(join(testRunsDir(home), n), 'utf8')));
      if (!alive(rec.pid, rec.startTime)) out.push(rec);
    } catch {
      rmSync(join(testRunsDir(home), n), { force: true });
    }
  }
  return out;
}

/** Stops and removes the VMs of killed tests; returns their names. Errors for one VM do not stop the others. */
export async function cleanUpOrphanedTests(home: string, sup: SupervisorApi, orphans = orphanedTestVms(home)): Promise<string[]> {
  const done: string[] = [];
  for (const rec of orphans) {
    try {
      const info = await sup.inspect(rec.vm).catch(() => undefined);
      if (info) {
        await sup.stop(rec.vm, { force: true }).catch(() => undefined);
        if (existsSync(rec.resultsDir)) {
          for (const [from, to] of [[vmLogFile(home, rec.vm, 'console'), 'console.log'], [vmLogFile(home, rec.vm, 'stderr'), 'qemu.stderr.log'], [join(vmDir(home, rec.vm), 'events.jsonl'), 'events.jsonl']] as const) {
            if (existsSync(from)) copyFileSync(from, join(rec.resultsDir, to));
          }
        }
        await sup.destroy(rec.vm, { force: true, removeLogs: true });
      }
      if (existsSync(rec.resultsDir)) {
        writeFileSync(
          join(rec.resultsDir, 'INTERRUPTED'),
          `vmdesk test (pid ${rec.pid}) ended without finishing this run (killed?); its VM ${rec.vm} was stopped and removed by a later vmdesk command at ${new Date().toISOString()}\n`,
        );
      }
      clearTestVm(home, rec.vm);
      done.push(rec.vm);
    } catch {
      // Left for the next command to try again.
    }
  }
  return done;
}
