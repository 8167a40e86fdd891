// Pure statistics for benchmark samples: min / median / max, percentiles, ratios. No I/O, no clocks.

/** What a set of samples reduces to. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  max: number;
  mean: number;
  p95: number;
  p99: number;
}

/**
 * The p-th percentile (0..100) of `values` by linear interpolation between the two closest ranks
 * (the method numpy and R use by default). NaN for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Summary of samples; throws on an empty list (a figure with no samples is a bench bug). */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no samples');
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length !== values.length) throw new Error('summarize: a sample is not a finite number');
  return {
    n: values.length,
    min: Math.min(...values),
    median: percentile(values, 50),
    max: Math.max(...values),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    p95: percentile(values, 95),
    p99: percentile(values, 99),
  };
}

/** a / b, or undefined when b is 0 or either is not finite. */
export function ratio(a: number, b: number): number | undefined {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined;
  return a / b;
}

/** Rounds for display: 3 significant digits below 100, whole numbers above. */
export function roundForDisplay(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 100) return Math.round(v).toLocaleString('en-US');
  if (abs < 0.0005) return '0';
  return Number(v.toPrecision(3)).toString();
}
