// report.json from the runs of `vmdesk test`, validated by its schema before it is written, and the
// default results directory. Pure.
import { join } from 'node:path';
import type { CheckSpec } from '../../shared/checks';
import { testReportSchema, type TestReport, type TestRun } from '../../shared/test-report';
import { summarizeRuns } from './summary';

/** The fields of a report that are not derived from the runs. */
export interface ReportHead {
  task: string;
  taskFile: string;
  startedAt: string;
  durationMs: number;
  repeat: number;
  resultsDir: string;
}

/** The report for these runs (validated: a bug here fails loudly, not in a CI tool). Pure. */
export function buildReport(head: ReportHead, checks: CheckSpec[], runs: TestRun[]): TestReport {
  return testReportSchema.parse({
    version: 1,
    ...head,
    status: runs.length > 0 && runs.every((r) => r.status === 'passed') ? 'passed' : 'failed',
    runs,
    summary: summarizeRuns(checks, runs),
  });
}

/** $VMDESK_HOME/test-results/<task>/<UTC timestamp>, e.g. 20261204T005812Z. Pure. */
export function defaultResultsDir(home: string, task: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return join(home, 'test-results', task, stamp);
}

/** One progress line: `✓ boots 12.3s`, `✗ web up: status 500 ...`, `- stops skipped`. Pure. */
export function progressLine(r: { name: string; status: string; durationMs: number; message: string }, prefix = ''): string {
  const secs = `${(r.durationMs / 1000).toFixed(1)}s`;
  if (r.status === 'passed') return `${prefix}✓ ${r.name} ${secs}\n`;
  if (r.status === 'skipped') return `${prefix}- ${r.name} skipped\n`;
  return `${prefix}✗ ${r.name}: ${r.message} (${secs})\n`;
}
