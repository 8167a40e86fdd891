// Per-check statistics over the runs of `vmdesk test --repeat N`: pass rate and p50/p90 time. Pure.
import type { CheckSpec } from '../../shared/checks';
import { checkKind } from '../../shared/checks';
import type { CheckSummary, TestRun } from '../../shared/test-report';

/** The nearest-rank percentile `p` (0-100) of `values`; null for none. Pure. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** One summary row per check, in spec order, over every run. Pure. */
export function summarizeRuns(checks: CheckSpec[], runs: TestRun[]): CheckSummary[] {
  return checks.map((c) => {
    const results = runs.map((r) => r.checks.find((x) => x.name === c.name));
    const count = (s: string) => results.filter((x) => x?.status === s).length;
    const passed = count('passed');
    const ran = results.filter((x) => x && x.status !== 'skipped').map((x) => x!.durationMs);
    return {
      name: c.name,
      kind: checkKind(c),
      passed,
      failed: count('failed'),
      skipped: runs.length - passed - count('failed'),
      runs: runs.length,
      passRate: `${passed}/${runs.length}`,
      p50Ms: percentile(ran, 50),
      p90Ms: percentile(ran, 90),
    };
  });
}
