// The shape of bench/results/latest.json: the machine, and one entry per figure with its baseline, ratio,
// target and verdict. Built by the suites, evaluated by targets.ts, rendered by report.ts.
import { ratio, summarize, type Summary } from './stats';

/** The machine a run happened on. */
export interface MachineInfo {
  /** os.hostname() (older results lack it). */
  host?: string;
  cpuModel: string;
  cores: number;
  memoryMiB: number;
  qemuVersion: string;
  accelerator: string;
  node: string;
  chromium: string;
  kernel: string;
  /** 1-minute load average at the start and at the end of the run. */
  loadBefore: number;
  loadAfter: number;
  /** The same before and after each suite (the machine is shared: this says how quiet each part was). */
  suiteLoads?: SuiteLoad[];
}

/** The 1-minute load average around one suite. */
export interface SuiteLoad {
  suite: string;
  before: number;
  after: number;
}

/** A target and whether the figure met it. */
export interface TargetVerdict {
  /** As in the table: "at most 15 ms added (median)". */
  text: string;
  pass: boolean;
}

/** One measured figure. */
export interface Figure {
  id: string;
  /** Section of the report ("Start", "Stop", "Console", ...). */
  group: string;
  title: string;
  unit: string;
  /** vmdesk's samples, summarised. */
  value: Summary;
  baseline?: { label: string; value: Summary };
  /** vmdesk median / baseline median. */
  ratio?: number;
  /** vmdesk median - baseline median (same unit). */
  added?: number;
  target?: TargetVerdict;
  /** What exactly was measured, or why it is what it is. */
  note?: string;
  /** Set on a figure carried into latest.json from an earlier run (history.ts mergeIntoLatest): its startedAt. */
  measuredAt?: string;
}

/** A figure that could not be measured (the suite failed); the report shows it as such. */
export interface MissingFigure {
  id: string;
  group: string;
  title: string;
  reason: string;
  target?: TargetVerdict;
  /** As Figure.measuredAt. */
  measuredAt?: string;
}

/** The whole run. */
export interface BenchResults {
  version: 1;
  mode: 'quick' | 'full';
  startedAt: string;
  durationS: number;
  machine: MachineInfo;
  /** Rounds per A/B comparison (after warm-up). */
  rounds: number;
  warmupRounds: number;
  figures: Figure[];
  missing: MissingFigure[];
  /** Remarks to print above the table (load, fakes and stand-ins used). */
  notes: string[];
}

/** Builds a figure from raw samples (and baseline samples, when there is a baseline). */
export function figure(
  base: { id: string; group: string; title: string; unit: string; note?: string },
  samples: readonly number[],
  baseline?: { label: string; samples: readonly number[] },
): Figure {
  const value = summarize(samples);
  const f: Figure = { ...base, value };
  if (baseline) {
    const b = summarize(baseline.samples);
    f.baseline = { label: baseline.label, value: b };
    const r = ratio(value.median, b.median);
    if (r !== undefined) f.ratio = r;
    f.added = value.median - b.median;
  }
  return f;
}
