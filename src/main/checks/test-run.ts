// One run of `vmdesk test`: a fresh disposable VM with a unique name (the image is never written), its console
// collected from its first byte, the checks in order, then always a stop (unless --keep after a failure), the
// VM's logs copied into the run's results directory and the VM's record removed.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckSpec } from '../../shared/checks';
import { checkKind } from '../../shared/checks';
import { isLive } from '../../shared/vm';
import type { Task } from '../../shared/task';
import { taskToFile } from '../../shared/task';
import type { CheckResult, TestRun } from '../../shared/test-report';
import type { SupervisorApi } from '../supervisor/api';
import { screenshotVm } from '../display/screenshot';
import { vmDir, vmLogFile } from '../store/paths';
import { ConsoleWatch } from './console-watch';
import type { SshRunner } from './context';
import { runChecks } from './sequence';
import { clearTestVm, recordTestVm } from './orphans';

/** Lines of console kept in the report of a failed run. */
export const CONSOLE_TAIL_LINES = 50;

/** A unique VM name for a test run of `taskName` (fits the 63-character VM name rule). Pure. */
export function testVmName(taskName: string, suffix: string): string {
  return `${taskName.slice(0, 63 - 6 - suffix.length).replace(/[-_.]+$/, '')}-test-${suffix}`;
}

/** What one run needs. */
export interface TestRunOptions {
  sup: SupervisorApi;
  home: string;
  task: Task;
  taskDir: string;
  checks: CheckSpec[];
  run: number;
  /** This run's results directory (created). */
  dir: string;
  /** Leave the VM running when a check fails. */
  keep: boolean;
  signal: AbortSignal;
  ssh?: SshRunner | undefined;
  /** Told the VM's name once it is chosen (before start), and each check's result as it ends. */
  onVm?: (name: string) => void;
  onResult?: (r: CheckResult) => void;
  /** Told the index of each check as it begins. */
  onCheckStart?: (index: number) => void;
}

/** Runs the checks once on a fresh VM; never throws for a failed check or a VM that would not start. */
export async function runTestOnce(o: TestRunOptions): Promise<TestRun> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const vm = testVmName(o.task.name, randomBytes(3).toString('hex'));
  mkdirSync(o.dir, { recursive: true });
  o.onVm?.(vm);
  // If this process is killed, the next vmdesk command finds this record and stops the VM (orphans.ts).
  recordTestVm(o.home, vm, o.dir);
  const watch = new ConsoleWatch();
  let unsubscribe: (() => void) | undefined;
  let checks: CheckResult[] = [];
  let error: string | undefined;
  let stoppedBy: string | undefined;
  let consoleTail: string[] | undefined;
  let guestAddresses: string[] | undefined;
  let failureScreenshot: string | undefined;
  let startedVm = false;
  try {
    const file = taskToFile({ ...o.task, name: vm, disposable: true }) as Record<string, unknown>;
    delete file.checks;
    const info = await o.sup.start({ task: file, taskDir: o.taskDir });
    startedVm = true;
    unsubscribe = o.sup.subscribeConsole(vm, (chunk) => watch.push(chunk), { fromOffset: 0 });
    checks = await runChecks(o.checks, { sup: o.sup, vm: info, console: watch, resultsDir: o.dir, signal: o.signal, ssh: o.ssh }, o.onResult, undefined, o.onCheckStart);
  } catch (err) {
    error = startedVm ? (err as Error).message : `the VM did not start: ${(err as Error).message}`;
    checks = o.checks.map((c, i) => checks[i] ?? { name: c.name, kind: checkKind(c), status: 'skipped', durationMs: 0, message: `skipped: ${error}`, evidence: {} });
  }
  const failed = error !== undefined || checks.some((c) => c.status === 'failed');
  try {
    if (startedVm && failed) {
      consoleTail = watch.lastLines(CONSOLE_TAIL_LINES);
      guestAddresses = await guestAddressesOf(o.sup, vm);
      failureScreenshot = await failureScreenshotOf(o.sup, vm, o.dir);
    }
    if (startedVm) stoppedBy = o.keep && failed ? 'kept' : await stopVm(o.sup, vm);
  } finally {
    await new Promise((r) => setTimeout(r, 200)); // let the follower deliver the last console bytes
    unsubscribe?.();
    if (startedVm) copyVmLogs(o.home, vm, o.dir);
    if (startedVm && stoppedBy !== 'kept') await o.sup.destroy(vm, { force: true, removeLogs: true }).catch(() => {});
    clearTestVm(o.home, vm);
  }
  return {
    run: o.run,
    vm,
    status: failed ? 'failed' : 'passed',
    startedAt,
    durationMs: Math.round(performance.now() - started),
    checks,
    ...(stoppedBy ? { stoppedBy } : {}),
    ...(consoleTail ? { consoleTail } : {}),
    ...(guestAddresses ? { guestAddresses } : {}),
    ...(failureScreenshot ? { failureScreenshot } : {}),
    dir: o.dir,
    ...(error ? { error } : {}),
  };
}

/** Stops the VM if it still runs (the ladder, then a forced stop if the ladder itself failed); returns how it ended. */
export async function stopVm(sup: SupervisorApi, vm: string): Promise<string> {
  const info = await sup.inspect(vm).catch(() => undefined);
  if (info && !isLive(info.state)) return info.lastExit?.stopStep ?? info.state;
  try {
    return (await sup.stop(vm)).step;
  } catch {
    return (await sup.stop(vm, { force: true })).step;
  }
}

/** The guest's addresses (not loopback) from the agent, or undefined when it does not answer within 5 s. */
async function guestAddressesOf(sup: SupervisorApi, vm: string): Promise<string[] | undefined> {
  const info = await sup.inspect(vm).catch(() => undefined);
  if (!info || !isLive(info.state) || info.agent === 'disabled') return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), 5000)));
  try {
    const ifaces = await Promise.race([sup.agent.interfaces(vm), timeout]);
    return ifaces?.flatMap((i) => i.addresses.map((a) => `${i.name} ${a.address}/${a.prefix}`)).filter((a) => !a.startsWith('lo '));
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** A screenshot at the failure into `dir`/failure.png, or undefined when the VM has no screen (or QMP does not answer in 10 s). */
async function failureScreenshotOf(sup: SupervisorApi, vm: string, dir: string): Promise<string | undefined> {
  const path = join(dir, 'failure.png');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), 10_000)));
  try {
    const shot = await Promise.race([screenshotVm(sup, vm, path), timeout]);
    return shot?.path;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Copies the VM's console log, QEMU's stderr and the events timeline into `dir`. */
function copyVmLogs(home: string, vm: string, dir: string): void {
  const files: Array<[string, string]> = [
    [vmLogFile(home, vm, 'console'), 'console.log'],
    [vmLogFile(home, vm, 'stderr'), 'qemu.stderr.log'],
    [join(vmDir(home, vm), 'events.jsonl'), 'events.jsonl'],
  ];
  for (const [from, to] of files) if (existsSync(from)) copyFileSync(from, join(dir, to));
}
