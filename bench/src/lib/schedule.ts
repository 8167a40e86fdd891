// The A B A B schedule: after warm-up rounds (discarded), every round runs each variant once, in the same
// order, so a baseline and vmdesk always see the machine in the same state give or take one run. Pure.

/** One run in a schedule. */
export interface ScheduledRun<V extends string> {
  variant: V;
  /** 0-based round number, counting warm-up rounds first. */
  round: number;
  warmup: boolean;
}

/** Warm-up rounds then measured rounds, each round running every variant once in the given order. */
export function alternation<V extends string>(variants: readonly V[], rounds: number, warmupRounds: number): ScheduledRun<V>[] {
  if (variants.length === 0) throw new Error('alternation: no variants');
  if (new Set(variants).size !== variants.length) throw new Error('alternation: variants must be distinct');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('alternation: rounds must be a positive integer');
  if (!Number.isInteger(warmupRounds) || warmupRounds < 0) throw new Error('alternation: warm-up rounds must be 0 or more');
  const out: ScheduledRun<V>[] = [];
  for (let round = 0; round < warmupRounds + rounds; round++) {
    for (const variant of variants) out.push({ variant, round, warmup: round < warmupRounds });
  }
  return out;
}

/** What one run produced: named measurements (a start run yields "qmp" and "marker" times, for example). */
export type RunOutput = Record<string, number>;

/** Samples per variant per measurement name, from measured (non warm-up) runs only. */
export type Samples<V extends string> = Record<V, Record<string, number[]>>;

/**
 * Runs the schedule one run at a time (never in parallel: runs would compete for the 2 cores) and
 * collects the measurements of measured rounds.
 */
export async function runSchedule<V extends string>(
  schedule: readonly ScheduledRun<V>[],
  run: (variant: V, scheduled: ScheduledRun<V>) => Promise<RunOutput>,
): Promise<Samples<V>> {
  const samples = {} as Samples<V>;
  for (const s of schedule) samples[s.variant] ??= {};
  for (const s of schedule) {
    const out = await run(s.variant, s);
    if (s.warmup) continue;
    const mine: Record<string, number[]> = samples[s.variant];
    for (const [key, value] of Object.entries(out)) (mine[key] ??= []).push(value);
  }
  return samples;
}
