// report.json of `vmdesk test` (issue #16): each run's check results, and per check the pass rate and times
// over the runs (--repeat). Written by src/cli/commands/test.ts; the schema lets tests and CI tools check it.
import { z } from 'zod';
import { CHECK_KINDS } from './checks';

/** What happened to one check in one run. */
export const CHECK_STATUSES = ['passed', 'failed', 'skipped'] as const;

/** One check's result in one run. */
export const checkResultSchema = z.object({
  name: z.string(),
  kind: z.enum(CHECK_KINDS),
  status: z.enum(CHECK_STATUSES),
  durationMs: z.number().nonnegative(),
  message: z.string(),
  /** What the check saw: the matched console text, the HTTP status, the agent's output, a screenshot path... */
  evidence: z.record(z.string(), z.unknown()),
});

/** One check's result in one run. */
export type CheckResult = z.infer<typeof checkResultSchema>;

/** One run of the whole test (one fresh VM). */
export const testRunSchema = z.object({
  run: z.number().int().positive(),
  vm: z.string(),
  status: z.enum(['passed', 'failed']),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  checks: z.array(checkResultSchema),
  /** How the VM was stopped at the end ("powerdown", "quit", ...; "kept" with --keep after a failure). */
  stoppedBy: z.string().optional(),
  /** Set when the run failed: the last console lines and the guest's addresses (when the agent answered). */
  consoleTail: z.array(z.string()).optional(),
  guestAddresses: z.array(z.string()).optional(),
  /** Set when the run failed and the VM has a screen: the PNG taken at the failure (a path in `dir`). */
  failureScreenshot: z.string().optional(),
  /** Where this run's console.log, qemu.stderr.log and events.jsonl were copied. */
  dir: z.string(),
  /** A failure outside the checks (the VM did not start, ...). */
  error: z.string().optional(),
});

/** One run of the whole test. */
export type TestRun = z.infer<typeof testRunSchema>;

/** A check over all runs. */
export const checkSummarySchema = z.object({
  name: z.string(),
  kind: z.enum(CHECK_KINDS),
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  runs: z.number().int().nonnegative(),
  /** `passed/runs`, e.g. "2/3". */
  passRate: z.string(),
  /** Median and 90th percentile duration of the runs where the check ran (not skipped); null when it never ran. */
  p50Ms: z.number().nullable(),
  p90Ms: z.number().nullable(),
});

/** A check over all runs. */
export type CheckSummary = z.infer<typeof checkSummarySchema>;

/** report.json. */
export const testReportSchema = z.object({
  version: z.literal(1),
  task: z.string(),
  taskFile: z.string(),
  status: z.enum(['passed', 'failed']),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  repeat: z.number().int().positive(),
  resultsDir: z.string(),
  runs: z.array(testRunSchema),
  summary: z.array(checkSummarySchema),
});

/** report.json. */
export type TestReport = z.infer<typeof testReportSchema>;
