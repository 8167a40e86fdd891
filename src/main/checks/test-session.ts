// A whole test, as `vmdesk test` and the app's Checks tab run it: the plan checked under a test VM's name, then
// `repeat` runs (each a fresh disposable VM, test-run.ts), then report.json and junit.xml written into the results
// directory. The CLI and the app differ only in how they show progress (the hooks) and how they stop (the signal).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckSpec } from '../../shared/checks';
import type { Task } from '../../shared/task';
import { taskToFile } from '../../shared/task';
import type { CheckResult, TestReport, TestRun } from '../../shared/test-report';
import type { SupervisorApi } from '../supervisor/api';
import type { SshRunner } from './context';
import { junitXml } from './junit';
import { buildReport } from './report';
import { runTestOnce, testVmName } from './test-run';

/** What one test needs; `run` in the hooks is 1-based. */
export interface TestSessionOptions {
  sup: SupervisorApi;
  home: string;
  task: Task;
  taskFile: string;
  taskDir: string;
  checks: CheckSpec[];
  repeat: number;
  /** Where report.json and junit.xml go (created); with repeat > 1 each run has its own run-N folder in it. */
  resultsDir: string;
  keep: boolean;
  signal: AbortSignal;
  ssh?: SshRunner | undefined;
  onVm?: (run: number, vm: string) => void;
  onCheckStart?: (run: number, index: number) => void;
  onResult?: (run: number, index: number, r: CheckResult) => void;
  onRunEnd?: (run: TestRun) => void;
}

/** The report and the JUnit XML that were written. */
export interface TestSessionResult {
  report: TestReport;
  junit: string;
}

/** Runs the test (stops early when `signal` aborts) and writes report.json and junit.xml; throws only for a bad plan. */
export async function runTestSession(o: TestSessionOptions): Promise<TestSessionResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  // The plan under a test VM's name (its socket paths are longer than the task's own).
  await o.sup.plan({ task: { ...(taskToFile(o.task) as Record<string, unknown>), name: testVmName(o.task.name, '000000') }, taskDir: o.taskDir });
  mkdirSync(o.resultsDir, { recursive: true });
  const runs: TestRun[] = [];
  for (let i = 1; i <= o.repeat && !o.signal.aborted; i++) {
    let index = 0;
    const run = await runTestOnce({
      sup: o.sup,
      home: o.home,
      task: o.task,
      taskDir: o.taskDir,
      checks: o.checks,
      run: i,
      dir: o.repeat > 1 ? join(o.resultsDir, `run-${i}`) : o.resultsDir,
      keep: o.keep,
      signal: o.signal,
      ssh: o.ssh,
      onVm: (vm) => o.onVm?.(i, vm),
      onCheckStart: (at) => o.onCheckStart?.(i, at),
      onResult: (r) => o.onResult?.(i, index++, r),
    });
    runs.push(run);
    o.onRunEnd?.(run);
  }
  const report = buildReport(
    { task: o.task.name, taskFile: o.taskFile, startedAt, durationMs: Math.round(performance.now() - started), repeat: o.repeat, resultsDir: o.resultsDir },
    o.checks,
    runs,
  );
  writeFileSync(join(o.resultsDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const junit = junitXml(report);
  writeFileSync(join(o.resultsDir, 'junit.xml'), junit);
  return { report, junit };
}
