// The bench: runs each suite in turn (never two at once: they would compete for the cores), attaches the
// issue's targets, writes bench/results/latest.json and BENCHMARKS.md. Called by bench/run.mjs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { installCleanupHandlers, killEverything } from './lib/processes';
import { machineInfo } from './lib/machine';
import { renderReport } from './lib/report';
import { mergeIntoLatest, pruneKeptRuns, readKeptRuns, renderHistory, runFileName } from './lib/history';
import type { BenchResults, Figure, MissingFigure } from './lib/results';
import { TARGETS, withTarget } from './lib/targets';
import { makeTempDir, removeTempDirs, type Guest, type Suite, type SuiteContext } from './suite';
import { appStartSuite } from './suites/app-start';
import { rendererSuite } from './suites/renderer';
import { startStopSuite } from './suites/start-stop';
import { consoleSuite } from './suites/console';
import { scaleSuite } from './suites/scale';
import { artifactsSuite } from './suites/artifacts';
import { seedSuite } from './suites/seed';
import { cloudSuite } from './suites/cloud';
import { checksSuite } from './suites/checks';
import { displaySuite } from './suites/display';
import { cliSuite } from './suites/cli';

const SUITES: Suite[] = [startStopSuite, consoleSuite, scaleSuite, rendererSuite, appStartSuite, artifactsSuite, seedSuite, cliSuite, checksSuite, displaySuite, cloudSuite];

function loadGuest(root: string): Guest {
  const dir = process.env.VMDESK_GUEST_DIR ?? join(root, '.cache', 'guest');
  const meta = join(dir, 'guest.json');
  if (!existsSync(meta)) throw new Error(`the test guest is not built: run \`node test/guest/build-guest.mjs\` (looked in ${dir})`);
  const { markers } = JSON.parse(readFileSync(meta, 'utf8')) as { markers: Guest['markers'] };
  return { dir, disk: join(dir, 'disk.img'), markers };
}

/** Runs the bench with command-line `args`; resolves to the exit code. */
export async function main(args: string[]): Promise<number> {
  if (args.includes('--report-only')) return reportOnly(resolve('.'));
  installCleanupHandlers();
  const quick = args.includes('--quick');
  const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
  const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;
  const root = resolve('.');
  const started = Date.now();
  const log = (msg: string) => process.stdout.write(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}\n`);
  const machine = machineInfo();
  const ctx: SuiteContext = {
    quick,
    // Quick: 3 measured rounds, so that a median drops one outlier (with 2 it is their mean).
    rounds: quick ? 3 : 5,
    warmupRounds: 1,
    root,
    guest: loadGuest(root),
    log,
    tempDir: makeTempDir,
  };
  log(`${quick ? 'quick' : 'full'} run on ${machine.cpuModel} (${machine.cores} cores), load ${machine.loadBefore.toFixed(2)}`);

  const figures: Figure[] = [];
  const missing: MissingFigure[] = [];
  const notes: string[] = [];
  for (const suite of SUITES) {
    if (only && !only.has(suite.name)) continue;
    const loadBefore = loadavg()[0] ?? 0;
    log(`suite ${suite.name} (load ${loadBefore.toFixed(2)})`);
    const t0 = Date.now();
    try {
      const out = await suite.run(ctx);
      figures.push(...out.figures.map((f) => withTarget(f)));
      notes.push(...(out.notes ?? []));
      for (const p of suite.promises) {
        if (!out.figures.some((f) => f.id === p.id)) missing.push(missingFigure(p, out.missingReasons?.[p.id] ?? 'the suite did not produce it'));
      }
    } catch (err) {
      const reason = (err as Error).message.split('\n')[0] ?? String(err);
      log(`suite ${suite.name} failed: ${(err as Error).stack ?? reason}`);
      for (const p of suite.promises) {
        if (!figures.some((f) => f.id === p.id)) missing.push(missingFigure(p, `suite ${suite.name} failed: ${reason}`));
      }
    } finally {
      const killed = killEverything();
      if (killed > 0) log(`cleanup after ${suite.name}: killed ${killed} leftover process(es)`);
    }
    (machine.suiteLoads ??= []).push({ suite: suite.name, before: loadBefore, after: loadavg()[0] ?? 0 });
    log(`suite ${suite.name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s (load ${(loadavg()[0] ?? 0).toFixed(2)})`);
  }
  removeTempDirs();

  machine.loadAfter = loadavg()[0] ?? 0;
  if (quick) {
    notes.unshift(`Quick run (\`npm run bench -- --quick\`): ${ctx.rounds} measured rounds per comparison, the guest booted to its marker and stopped once per variant, smaller console and idle windows, one scale round. Medians of so few samples are indicative; the full run (\`npm run bench\`) is the reference.`);
  }
  const load = Math.max(machine.loadBefore, machine.loadAfter, ...(machine.suiteLoads ?? []).flatMap((l) => [l.before, l.after]));
  if (load > machine.cores) {
    notes.unshift(`Run under load: the 1-minute load average was ${machine.loadBefore.toFixed(1)} at the start and ${machine.loadAfter.toFixed(1)} at the end on ${machine.cores} cores, up to ${load.toFixed(1)} around a suite (everything runnable counts: other users' processes, and this run's own guests, e.g. the 8 booting in the scale suite). Absolute times are inflated; the A B A B alternation keeps the comparisons fair, not quiet.`);
  }
  const results: BenchResults = {
    version: 1,
    mode: quick ? 'quick' : 'full',
    startedAt: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    machine,
    rounds: ctx.rounds,
    warmupRounds: ctx.warmupRounds,
    figures,
    missing,
    notes,
  };
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const kept = runFileName(results.startedAt, machine.host ?? 'host');
  writeFileSync(join(resultsDir, kept), JSON.stringify(results, null, 2) + '\n');
  for (const gone of pruneKeptRuns(resultsDir)) log(`dropped the old run bench/results/${gone}`);
  // --only: latest.json keeps the other suites' figures from the previous latest (said so in its notes).
  const latestFile = join(resultsDir, 'latest.json');
  const latest = only && existsSync(latestFile) ? mergeIntoLatest(JSON.parse(readFileSync(latestFile, 'utf8')) as BenchResults, results) : results;
  writeFileSync(latestFile, JSON.stringify(latest, null, 2) + '\n');
  writeReport(root, latest);
  const failed = figures.filter((f) => f.target && !f.target.pass);
  log(`wrote bench/results/latest.json, bench/results/${kept} and BENCHMARKS.md: ${figures.length} figures, ${failed.length} below target, ${missing.length} not measured`);
  for (const f of failed) log(`  below target: ${f.title}: ${f.target!.text}`);
  for (const m of missing) log(`  not measured: ${m.title}: ${m.reason}`);
  return missing.length > 0 ? 1 : 0;
}

/** Writes BENCHMARKS.md from results, the kept runs' history and bench/findings.md (when present). */
function writeReport(root: string, results: BenchResults): void {
  const findingsFile = join(root, 'bench', 'findings.md');
  const history = renderHistory(readKeptRuns(join(root, 'bench', 'results')));
  writeFileSync(join(root, 'BENCHMARKS.md'), renderReport(results, existsSync(findingsFile) ? readFileSync(findingsFile, 'utf8') : undefined, history));
}

/** `--report-only`: re-renders BENCHMARKS.md from bench/results/ (after editing findings.md). */
function reportOnly(root: string): number {
  const file = join(root, 'bench', 'results', 'latest.json');
  if (!existsSync(file)) {
    process.stderr.write(`bench: ${file} does not exist; run \`npm run bench\` first\n`);
    return 1;
  }
  writeReport(root, JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
  process.stdout.write('bench: BENCHMARKS.md re-rendered from bench/results/latest.json\n');
  return 0;
}

function missingFigure(p: Omit<MissingFigure, 'reason' | 'target'>, reason: string): MissingFigure {
  const t = TARGETS[p.id];
  return { ...p, reason, ...(t ? { target: { text: t.text, pass: false } } : {}) };
}

