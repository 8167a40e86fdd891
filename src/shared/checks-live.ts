// A test run in the app as it happens (the Checks tab): the events main pushes while `vmdesk test`'s engine runs,
// and the pure reducer that turns them into each check's live state. Main keeps the same state, so a tab opened
// in the middle of a run shows it as it is.
import type { CheckKind } from './checks';
import type { CheckResult, TestReport } from './test-report';

/** One check's state during a run. */
export type LiveCheckState = 'waiting' | 'running' | CheckResult['status'];

/** One check during a run. */
export interface LiveCheck {
  name: string;
  kind: CheckKind;
  state: LiveCheckState;
  /** When it began (ISO time), once running. */
  startedAt?: string;
  /** Its time and message, once ended. */
  durationMs?: number;
  message?: string;
}

/** A test run of VM `name` in the app. */
export interface LiveTestRun {
  /** The results directory (report.json, junit.xml, console.log, ... once it ends). */
  resultsDir: string;
  startedAt: string;
  /** The disposable test VM, once chosen. */
  vm?: string;
  checks: LiveCheck[];
  /** running until it ends; stopped: the user pressed Stop. */
  status: 'running' | 'passed' | 'failed' | 'stopped';
  /** A failure outside the checks (the VM did not start, the plan was refused, ...). */
  error?: string;
  /** Stop was pressed and the VM is being stopped. */
  stopping?: boolean;
}

/** What main pushes while a test runs (event `checksProgress`). */
export type ChecksLiveEvent =
  | { kind: 'started'; resultsDir: string; startedAt: string; checks: Array<{ name: string; kind: CheckKind }> }
  | { kind: 'vm'; vm: string }
  | { kind: 'check-started'; index: number; at: string }
  | { kind: 'check-ended'; index: number; result: CheckResult }
  | { kind: 'stopping' }
  | { kind: 'finished'; status: 'passed' | 'failed' | 'stopped'; error?: string };

/** The run after `event`. Pure. */
export function applyLiveEvent(run: LiveTestRun | undefined, event: ChecksLiveEvent): LiveTestRun | undefined {
  if (event.kind === 'started') {
    return { resultsDir: event.resultsDir, startedAt: event.startedAt, checks: event.checks.map((c) => ({ ...c, state: 'waiting' })), status: 'running' };
  }
  if (!run) return run;
  switch (event.kind) {
    case 'vm':
      return { ...run, vm: event.vm };
    case 'check-started':
      return { ...run, checks: run.checks.map((c, i) => (i === event.index ? { ...c, state: 'running', startedAt: event.at } : c)) };
    case 'check-ended': {
      const r = event.result;
      return { ...run, checks: run.checks.map((c, i) => (i === event.index ? { ...c, state: r.status, durationMs: r.durationMs, message: r.message } : c)) };
    }
    case 'stopping':
      return { ...run, stopping: true };
    case 'finished':
      return {
        ...run,
        status: event.status,
        stopping: false,
        // A run cut short leaves checks that never began: they were skipped.
        checks: run.checks.map((c) => (c.state === 'waiting' || c.state === 'running' ? { ...c, state: 'skipped' } : c)),
        ...(event.error ? { error: event.error } : {}),
      };
  }
}

/** One previous run for the "Last runs" list: its report's head and its results folder's name. */
export interface TestRunEntry {
  /** The results folder's name under the VM's results location (e.g. 20261204T005812Z). */
  id: string;
  /** report.json as written (validated). */
  report: TestReport;
}

/** What the Checks tab shows besides the editor: the CLI command, the run going on and the last runs. */
export interface ChecksOverview {
  /** The task file the checks are saved in. */
  taskFile: string;
  /** `vmdesk test <task file>`, quoted for a POSIX shell. */
  command: string;
  /** Where this VM's test results are kept. */
  resultsRoot: string;
  active: LiveTestRun | null;
  /** Newest first. */
  runs: TestRunEntry[];
}
