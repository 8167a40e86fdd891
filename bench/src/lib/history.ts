// The runs kept in bench/results/: each run is saved as <UTC timestamp>-<host>.json next to latest.json, the
// newest KEEP_RUNS are kept, and BENCHMARKS.md gets one table with a row per target and a column per kept
// run, so a target that holds on one machine (or one quiet hour) and not on another shows as such. Pure,
// but for the two functions at the end that read and prune the directory.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults, Figure } from './results';
import { TARGETS, type Target } from './targets';
import { roundForDisplay } from './stats';

/** How many runs bench/results/ keeps besides latest.json. */
export const KEEP_RUNS = 10;

const RUN_FILE = /^(\d{8}T\d{6}Z)-([A-Za-z0-9._-]+)\.json$/;

/** A host name safe in a file name: letters, digits, ".", "_", "-" (the rest becomes "-"), at most 40. Pure. */
export function safeHost(host: string): string {
  const s = host.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 40);
  return s || 'host';
}

/** The file a run is kept in: 20261204T025800Z-myhost.json (sorts by time). Pure. */
export function runFileName(startedAt: string, host: string): string {
  const stamp = new Date(startedAt).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${safeHost(host)}.json`;
}

/** Of the file names in bench/results/, the run files to delete so that the newest `keep` remain. Pure. */
export function runFilesToPrune(names: readonly string[], keep = KEEP_RUNS): string[] {
  const runs = names.filter((n) => RUN_FILE.test(n)).sort();
  return runs.slice(0, Math.max(0, runs.length - keep));
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The figure's value the way its target reads it: the ratio, the added amount, or the bounded statistic. Pure. */
export function targetValue(f: Figure, targets: Record<string, Target> = TARGETS): string {
  const t = targets[f.id];
  if (t && (t.kind === 'ratio-at-most' || t.kind === 'ratio-at-least')) return f.ratio !== undefined ? `${roundForDisplay(f.ratio)}×` : '?';
  if (t?.kind === 'added-at-most' || t?.kind === 'added-below') return f.added !== undefined ? `${f.added >= 0 ? '+' : ''}${roundForDisplay(f.added)} ${f.unit}` : '?';
  return `${roundForDisplay(f.value[t && 'stat' in t ? t.stat : 'median'])} ${f.unit}`.trim();
}

/**
 * The per-target history: one row per target met or missed in any of `runs` (newest first), one column per
 * run (date, mode, host, load), each cell "pass"/"FAIL" with the value the target reads, or "—" when that
 * run did not measure it (a run of some suites only, or a suite that failed: "not measured"). Pure.
 */
export function renderHistory(runs: ReadonlyArray<{ host: string; results: BenchResults }>): string {
  if (runs.length === 0) return '';
  const ordered = [...runs].sort((a, b) => b.results.startedAt.localeCompare(a.results.startedAt));
  const targets = new Map<string, { title: string; text: string }>();
  for (const { results } of ordered) {
    for (const f of results.figures) if (f.target && !targets.has(f.id)) targets.set(f.id, { title: f.title, text: f.target.text });
    for (const m of results.missing) if (m.target && !targets.has(m.id)) targets.set(m.id, { title: m.title, text: m.target.text });
  }
  const lines: string[] = [];
  lines.push('## Targets in the kept runs');
  lines.push('');
  lines.push(`Each target in each of the last ${ordered.length} run(s) kept in \`bench/results/\` (newest first; a run of some suites only, \`--only\`, leaves the other targets "—"). Load = the highest 1-minute load average around a suite of that run, on that run's cores.`);
  lines.push('');
  const head = ordered.map(({ host, results: r }) => {
    const m = r.machine;
    const load = Math.max(m.loadBefore, m.loadAfter, ...(m.suiteLoads ?? []).flatMap((l) => [l.before, l.after]));
    const suites = m.suiteLoads?.map((l) => l.suite).join(', ');
    return `${r.startedAt.slice(0, 16).replace('T', ' ')} ${r.mode}${suites ? ` (${suites})` : ''}<br>${cell(host)}, ${m.cores} cores, load ${load.toFixed(1)}`;
  });
  lines.push(`| target | ${head.join(' | ')} |`);
  lines.push(`|---|${ordered.map(() => '---').join('|')}|`);
  for (const [id, t] of targets) {
    const cells = ordered.map(({ results: r }) => {
      const f = r.figures.find((x) => x.id === id);
      if (f?.target) return `${f.target.pass ? 'pass' : '**FAIL**'} ${targetValue(f)}`;
      const m = r.missing.find((x) => x.id === id);
      if (m) return '**not measured**';
      return '—';
    });
    const passes = ordered.filter(({ results: r }) => r.figures.some((x) => x.id === id && x.target?.pass)).length;
    const measured = ordered.filter(({ results: r }) => r.figures.some((x) => x.id === id && x.target) || r.missing.some((x) => x.id === id)).length;
    lines.push(`| ${cell(t.title)}: ${cell(t.text)} (held in ${passes} of ${measured}) | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** Reads the kept runs from `dir` (a file that does not parse is skipped). */
export function readKeptRuns(dir: string): Array<{ host: string; results: BenchResults }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Array<{ host: string; results: BenchResults }> = [];
  for (const n of names) {
    const m = RUN_FILE.exec(n);
    if (!m) continue;
    try {
      out.push({ host: m[2]!, results: JSON.parse(readFileSync(join(dir, n), 'utf8')) as BenchResults });
    } catch {
      // a half-written or hand-edited file: not part of the history
    }
  }
  return out;
}

/** Deletes the run files beyond the newest KEEP_RUNS; returns their names. */
export function pruneKeptRuns(dir: string, keep = KEEP_RUNS): string[] {
  const doomed = runFilesToPrune(readdirSync(dir), keep);
  for (const n of doomed) rmSync(join(dir, n), { force: true });
  return doomed;
}

/**
 * latest.json after a run of some suites only (`--only`): the previous latest's figures of the groups this run
 * did not measure, carried over and said so in a note, then this run's. The kept run file holds this run
 * alone; this is what BENCHMARKS.md shows, so that one suite's run does not blank the rest of the report. Pure.
 */
export function mergeIntoLatest(previous: BenchResults, current: BenchResults): BenchResults {
  const groups = new Set([...current.figures.map((f) => f.group), ...current.missing.map((m) => m.group)]);
  const carry = <T extends { group: string; measuredAt?: string }>(xs: T[]) => xs.filter((x) => !groups.has(x.group)).map((x) => ({ ...x, measuredAt: x.measuredAt ?? previous.startedAt }));
  const carriedFigures = carry(previous.figures);
  const carriedMissing = carry(previous.missing);
  if (carriedFigures.length + carriedMissing.length === 0) return current;
  // Which groups came from which earlier run (a chain of --only runs carries figures of several).
  const byRun = new Map<string, Set<string>>();
  for (const x of [...carriedFigures, ...carriedMissing]) (byRun.get(x.measuredAt) ?? byRun.set(x.measuredAt, new Set()).get(x.measuredAt)!).add(x.group);
  const from = [...byRun].sort((a, b) => b[0].localeCompare(a[0])).map(([at, gs]) => `${[...gs].join(', ')} from the run of ${at.slice(0, 16).replace('T', ' ')} UTC`);
  const ran = new Set((current.machine.suiteLoads ?? []).map((l) => l.suite));
  const note = `Run of some suites only (${[...ran].join(', ') || 'none'}): the other figures are carried over: ${from.join('; ')} (each run's machine and load: bench/results/ and the table "Targets in the kept runs").`;
  return {
    ...current,
    machine: { ...current.machine, suiteLoads: [...(previous.machine.suiteLoads ?? []).filter((l) => !ran.has(l.suite)), ...(current.machine.suiteLoads ?? [])] },
    figures: [...carriedFigures, ...current.figures],
    missing: [...carriedMissing, ...current.missing],
    notes: [note, ...current.notes, ...previous.notes.filter((n) => !current.notes.includes(n) && !n.startsWith('Run of some suites only'))],
  };
}
