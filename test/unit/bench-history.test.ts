// The bench's kept runs (bench/src/lib/history.ts): file names, pruning to the newest runs, and the per-target
// table across runs; plus the pure helpers of the checks and display suites. No timing here.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figure, type BenchResults } from '../../bench/src/lib/results';
import { withTarget } from '../../bench/src/lib/targets';
import { KEEP_RUNS, mergeIntoLatest, pruneKeptRuns, readKeptRuns, renderHistory, runFileName, runFilesToPrune, safeHost, targetValue } from '../../bench/src/lib/history';
import { renderReport } from '../../bench/src/lib/report';
import { checksSpec } from '../../bench/src/suites/checks';
import { redrawCommand } from '../../bench/src/suites/display';
import { checksSchema } from '../../src/shared/checks';

const machine = (load: number) => ({ cpuModel: 'AMD EPYC', cores: 2, memoryMiB: 1, qemuVersion: 'q', accelerator: 'tcg', node: 'v20', chromium: 'c', kernel: 'k', loadBefore: load, loadAfter: load });

function run(startedAt: string, figures: BenchResults['figures'], missing: BenchResults['missing'] = [], load = 1): BenchResults {
  return { version: 1, mode: 'quick', startedAt, durationS: 1, machine: { ...machine(load), suiteLoads: [{ suite: 'start', before: load, after: load + 2 }] }, rounds: 3, warmupRounds: 1, figures, missing, notes: [] };
}

const qmp = (vmdesk: number[], raw: number[]) => withTarget(figure({ id: 'start.qmp.in-process', group: 'Start', title: 'start to QMP', unit: 'ms' }, vmdesk, { label: 'raw', samples: raw }));
const dl = (vmdesk: number[], curl: number[]) => withTarget(figure({ id: 'artifacts.download', group: 'Artifacts', title: 'download', unit: 'MB/s' }, vmdesk, { label: 'curl', samples: curl }));

describe('kept runs', () => {
  it('names a run file by its UTC start and a file-safe host', () => {
    expect(runFileName('2026-12-04T02:58:07.123Z', 'build box/1')).toBe('20261204T025807Z-build-box-1.json');
    expect(safeHost('..//')).toBe('host');
    expect(safeHost('a'.repeat(60))).toHaveLength(40);
  });

  it('prunes the oldest run files beyond the kept number, never latest.json or other files', () => {
    const names = ['latest.json', 'notes.txt', ...Array.from({ length: 12 }, (_, i) => `202612${String(i + 1).padStart(2, '0')}T000000Z-h.json`)];
    expect(runFilesToPrune(names, 10)).toEqual(['20261201T000000Z-h.json', '20261202T000000Z-h.json']);
    expect(runFilesToPrune(names.slice(0, 5), 10)).toEqual([]);
    expect(KEEP_RUNS).toBe(10);
  });

  it('reads and prunes a real directory, skipping files that do not parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
    try {
      writeFileSync(join(dir, 'latest.json'), '{}');
      writeFileSync(join(dir, '20261201T000000Z-a.json'), JSON.stringify(run('2026-12-01T00:00:00Z', [])));
      writeFileSync(join(dir, '20261202T000000Z-b.json'), '{ half');
      writeFileSync(join(dir, '20261203T000000Z-c.json'), JSON.stringify(run('2026-12-03T00:00:00Z', [])));
      expect(readKeptRuns(dir).map((r) => r.host).sort()).toEqual(['a', 'c']);
      expect(pruneKeptRuns(dir, 2)).toEqual(['20261201T000000Z-a.json']);
      expect(readdirSync(dir).sort()).toEqual(['20261202T000000Z-b.json', '20261203T000000Z-c.json', 'latest.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('per-target history table', () => {
  const older = run('2026-12-01T10:00:00.000Z', [qmp([30, 32], [20, 22]), dl([50], [100])], [], 9.5);
  const newer = run('2026-12-03T10:00:00.000Z', [qmp([40, 42], [20, 22])], [{ id: 'app.main-ready', group: 'App', title: 'main ready', reason: 'boom', target: { text: 'at most 500 ms (median)', pass: false } }]);
  const md = renderHistory([{ host: 'old-box', results: older }, { host: 'new-box', results: newer }]);

  it('has one column per run, newest first, with host, cores and the highest load', () => {
    const head = md.split('\n').find((l) => l.startsWith('| target |'))!;
    expect(head).toBe('| target | 2026-12-03 10:00 quick (start)<br>new-box, 2 cores, load 3.0 | 2026-12-01 10:00 quick (start)<br>old-box, 2 cores, load 11.5 |');
  });

  it('shows for each target whether it held in each run, with the value the target reads', () => {
    expect(md).toContain('| start to QMP: at most 15 ms added to raw QEMU (median) (held in 1 of 2) | **FAIL** +20 ms | pass +10 ms |');
    expect(md).toContain('| download: at least 0.9× `curl -o` (median) (held in 0 of 1) | — | **FAIL** 0.5× |');
    expect(md).toContain('| main ready: at most 500 ms (median) (held in 0 of 1) | **not measured** | — |');
  });

  it('is empty without runs, and goes between the results and the findings in the report', () => {
    expect(renderHistory([])).toBe('');
    const report = renderReport(newer, '## Findings\n\nx\n', md);
    expect(report.indexOf('## Targets in the kept runs')).toBeGreaterThan(report.indexOf('## Results'));
    expect(report.indexOf('## Findings')).toBeGreaterThan(report.indexOf('## Targets in the kept runs'));
  });

  it('reads the added amount for the issue #19 targets, and "under" is strict', () => {
    const rss = (grown: number) => withTarget(figure({ id: 'console.rss', group: 'Console', title: 'rss', unit: 'MB' }, [40 + grown], { label: 'idle', samples: [40] }));
    expect(rss(15.5).target?.pass).toBe(true);
    expect(rss(16).target?.pass).toBe(false);
    expect(targetValue(rss(2))).toBe('+2 MB');
    const exit = withTarget(figure({ id: 'stop.exit-noticed.vs-node', group: 'Stop', title: 'exit', unit: 'ms' }, [7, 9, 8], { label: 'node', samples: [6] }));
    expect([exit.target?.pass, targetValue(exit)]).toEqual([true, '+2 ms']);
  });

  it('reads a target\'s statistic when it bounds one', () => {
    const lost = withTarget(figure({ id: 'console.lost', group: 'Console', title: 'lost', unit: 'bytes' }, [0, 0, 7]));
    expect(targetValue(lost)).toBe('7 bytes');
    expect(targetValue(figure({ id: 'untargeted', group: 'X', title: 'x', unit: 'ms' }, [1, 2, 3]))).toBe('2 ms');
  });
});

describe('latest.json after a run of some suites', () => {
  const full = { ...run('2026-11-27T10:00:00.000Z', [qmp([30], [20]), dl([50], [100])]), mode: 'full' as const, notes: ['old note'] };
  full.machine.suiteLoads = [{ suite: 'start', before: 1, after: 2 }, { suite: 'artifacts', before: 2, after: 3 }];
  const partial = run('2026-12-04T03:00:00.000Z', [dl([95], [100])]);
  partial.machine.suiteLoads = [{ suite: 'artifacts', before: 9, after: 10 }];

  it('replaces the groups this run measured, carries the others over and says so', () => {
    const m = mergeIntoLatest(full, partial);
    expect(m.startedAt).toBe(partial.startedAt);
    expect(m.figures.map((f) => [f.id, f.value.median])).toEqual([['start.qmp.in-process', 30], ['artifacts.download', 95]]);
    expect(m.machine.suiteLoads).toEqual([{ suite: 'start', before: 1, after: 2 }, { suite: 'artifacts', before: 9, after: 10 }]);
    expect(m.figures[0]!.measuredAt).toBe(full.startedAt);
    expect(m.figures[1]!.measuredAt).toBeUndefined();
    expect(m.notes[0]).toBe('Run of some suites only (artifacts): the other figures are carried over: Start from the run of 2026-11-27 10:00 UTC (each run\'s machine and load: bench/results/ and the table "Targets in the kept runs").');
    expect(m.notes).toContain('old note');
    // A second --only run keeps where each carried figure was measured.
    const display = run('2026-12-04T04:00:00.000Z', [withTarget(figure({ id: 'display.screenshot', group: 'Display', title: 's', unit: 'ms' }, [20], { label: 'raw', samples: [12] }))]);
    display.machine.suiteLoads = [{ suite: 'display', before: 5, after: 6 }];
    const again = mergeIntoLatest(m, display);
    expect(again.figures.map((f) => [f.id, f.measuredAt])).toEqual([['start.qmp.in-process', full.startedAt], ['artifacts.download', partial.startedAt], ['display.screenshot', undefined]]);
    expect(renderReport(again)).toContain('| start to QMP<br>(measured 2026-11-27 10:00 UTC) | 30 ms |');
    expect(again.notes[0]).toContain('carried over: Artifacts from the run of 2026-12-04 03:00 UTC; Start from the run of 2026-11-27 10:00 UTC');
  });

  it('is the run itself when it measured every group the previous one had', () => {
    expect(mergeIntoLatest(partial, partial)).toBe(partial);
  });
});

describe('checks and display suite helpers', () => {
  it('writes a spec vmdesk accepts: the console check, then the agent checks, at most 100 in all', () => {
    const spec = checksSpec('READY', 99);
    expect(spec.checks).toHaveLength(100);
    expect(spec.checks[0]).toEqual({ name: 'boots', console: 'READY', timeout: '4m' });
    expect(spec.checks[99]).toMatchObject({ name: 'agent 99', agent: { command: ['/bin/true'] } });
    expect(checksSchema.safeParse(spec.checks).success).toBe(true);
    expect(checksSchema.safeParse(checksSpec('READY', 100).checks).success).toBe(false);
  });

  it('redraws the screen from a backgrounded loop that holds none of the agent\'s pipes', () => {
    const [sh, flag, script] = redrawCommand('/dev/tty1');
    expect([sh, flag]).toEqual(['/bin/sh', '-c']);
    expect(script).toMatch(/^\(.*while :; do .*done\) >\/dev\/tty1 2>&1 <\/dev\/null &$/);
    expect(script).toContain("%1999s");
  });
});
