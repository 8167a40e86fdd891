// The bench's pure parts (bench/src/lib): statistics, the A B A B schedule, target verdicts and the report.
// No timing here: the bench measures, tests only check that its arithmetic and rendering are right.
import { describe, expect, it } from 'vitest';
import { percentile, ratio, roundForDisplay, summarize } from '../../bench/src/lib/stats';
import { alternation, runSchedule } from '../../bench/src/lib/schedule';
import { figure, type BenchResults } from '../../bench/src/lib/results';
import { evaluate, withTarget, TARGETS } from '../../bench/src/lib/targets';
import { formatSummary, renderReport } from '../../bench/src/lib/report';

describe('statistics', () => {
  it('summarises min, median, max, mean and percentiles', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toEqual({ n: 5, min: 1, median: 3, max: 5, mean: 3, p95: 4.8, p99: 4.96 });
    expect(summarize([2, 4]).median).toBe(3);
    expect(summarize([7]).p99).toBe(7);
  });

  it('interpolates percentiles between ranks and clamps p', () => {
    const v = Array.from({ length: 101 }, (_, i) => i);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile([10, 20], 25)).toBe(12.5);
    expect(percentile([1, 2], 150)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });

  it('refuses empty and non-finite samples', () => {
    expect(() => summarize([])).toThrow(/no samples/);
    expect(() => summarize([1, Number.NaN])).toThrow(/finite/);
  });

  it('computes ratios only when they mean something', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeUndefined();
    expect(ratio(Number.NaN, 1)).toBeUndefined();
    expect(roundForDisplay(1234.4)).toBe('1,234');
    expect(roundForDisplay(0.012345)).toBe('0.0123');
    expect(roundForDisplay(0)).toBe('0');
  });
});

describe('A B A B schedule', () => {
  it('runs warm-up rounds first, then every variant once per round in order', () => {
    const s = alternation(['raw', 'vmdesk'], 2, 1);
    expect(s.map((r) => `${r.variant}${r.round}${r.warmup ? 'w' : ''}`)).toEqual(['raw0w', 'vmdesk0w', 'raw1', 'vmdesk1', 'raw2', 'vmdesk2']);
  });

  it('refuses nonsense', () => {
    expect(() => alternation([], 1, 0)).toThrow(/no variants/);
    expect(() => alternation(['a', 'a'], 1, 0)).toThrow(/distinct/);
    expect(() => alternation(['a'], 0, 0)).toThrow(/rounds/);
    expect(() => alternation(['a'], 1, -1)).toThrow(/warm-up/);
  });

  it('collects measured runs only, sequentially, per variant and measurement', async () => {
    const order: string[] = [];
    let active = 0;
    let counter = 0;
    const samples = await runSchedule(alternation(['a', 'b'] as const, 3, 1), async (variant, s) => {
      active++;
      expect(active).toBe(1); // never two runs at once
      order.push(`${variant}${s.round}`);
      await Promise.resolve();
      active--;
      counter++;
      return { t: counter, ...(variant === 'b' ? { extra: s.round } : {}) };
    });
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
    expect(samples).toEqual({ a: { t: [3, 5, 7] }, b: { t: [4, 6, 8], extra: [1, 2, 3] } });
  });
});

describe('targets', () => {
  const base = { group: 'Start', title: 't', unit: 'ms' };
  it('judges added time, ratios and statistics', () => {
    const start = withTarget(figure({ ...base, id: 'start.qmp.in-process' }, [30, 31, 40], { label: 'raw', samples: [20, 20, 21] }));
    expect(start.added).toBe(11);
    expect(start.target).toEqual({ text: TARGETS['start.qmp.in-process']!.text, pass: true });
    const slow = withTarget(figure({ ...base, id: 'start.qmp.in-process' }, [40], { label: 'raw', samples: [20] }));
    expect(slow.target?.pass).toBe(false);
    const tp = withTarget(figure({ ...base, id: 'console.throughput', unit: 'MiB/s' }, [100], { label: 'cat', samples: [300] }));
    expect(tp.ratio).toBeCloseTo(1 / 3);
    expect(tp.target?.pass).toBe(false);
    expect(evaluate({ kind: 'below', stat: 'p99', limit: 50, text: '' }, figure({ ...base, id: 'x' }, [50])).pass).toBe(false);
    expect(evaluate({ kind: 'at-most', stat: 'max', limit: 0, text: '' }, figure({ ...base, id: 'x' }, [0, 0])).pass).toBe(true);
  });

  it('fails a ratio target when there is no baseline, and leaves untargeted figures alone', () => {
    expect(evaluate({ kind: 'ratio-at-most', limit: 1.02, text: '' }, figure({ ...base, id: 'x' }, [1])).pass).toBe(false);
    expect(withTarget(figure({ ...base, id: 'no.such.target' }, [1])).target).toBeUndefined();
  });
});

describe('report', () => {
  const results: BenchResults = {
    version: 1,
    mode: 'quick',
    startedAt: '2026-11-27T20:00:00.000Z',
    durationS: 95.2,
    machine: { cpuModel: 'AMD EPYC', cores: 2, memoryMiB: 24105, qemuVersion: 'QEMU emulator version 7.2.22', accelerator: 'tcg', node: 'v20.20.2', chromium: 'Chromium 1', kernel: 'Linux 6.1', loadBefore: 3.5, loadAfter: 4.25, suiteLoads: [{ suite: 'start', before: 3.5, after: 1.25 }, { suite: 'app', before: 1.25, after: 4.25 }] },
    rounds: 2,
    warmupRounds: 1,
    figures: [
      withTarget(figure({ id: 'start.qmp.in-process', group: 'Start', title: 'start to QMP ready | in-process', unit: 'ms', note: 'measured twice' }, [30, 32], { label: 'qemu-system-x86_64 directly', samples: [20, 22] })),
      figure({ id: 'scale.1.rss', group: 'Scale', title: 'RSS, 1 VM', unit: 'MB' }, [60]),
    ],
    missing: [{ id: 'app.main-ready', group: 'App start', title: 'built main ready for IPC', reason: 'boom', target: { text: 'at most 500 ms', pass: false } }],
    notes: ['the machine was under load'],
  };

  it('shows the machine, the notes, every figure with baseline, ratio and verdict, and what was not measured', () => {
    const md = renderReport(results);
    expect(md).toContain('| CPU | AMD EPYC, 2 cores |');
    expect(md).toContain('| QEMU | QEMU emulator version 7.2.22 |');
    expect(md).toContain('| accelerator | tcg |');
    expect(md).toContain('| load average (1 min) | 3.50 at the start, 4.25 at the end |');
    expect(md).toContain('| load average per suite (before → after) | start 3.5 → 1.3, app 1.3 → 4.3 |');
    expect(md).toContain('- the machine was under load');
    expect(md).toContain('| start to QMP ready \\| in-process | 31 ms (30–32) | 21 ms (20–22)<br>qemu-system-x86_64 directly | +10 ms | 1.48× | **pass**: at most 15 ms added to raw QEMU (median) |');
    expect(md).toContain('| RSS, 1 VM | 60 MB | — | — | — |  |');
    expect(md).toContain('| built main ready for IPC | not measured: boom | — | — | — | **FAIL**: at most 500 ms |');
    expect(md).toContain('1 of 2 targets not met or not measured: built main ready for IPC.');
    expect(md).toContain('- start to QMP ready | in-process: measured twice');
    expect(md).toContain('`npm run bench -- --quick` (quick run) on 2026-11-27');
  });

  it('appends the findings when there are some', () => {
    expect(renderReport(results, '## Findings\n\nslow because of X\n')).toMatch(/## Findings\n\nslow because of X\n$/);
    expect(renderReport(results, '  ')).not.toContain('Findings');
  });

  it('formats one sample without a range', () => {
    expect(formatSummary(summarize([4]), 'ms')).toBe('4 ms');
    expect(formatSummary(summarize([4, 8]), '')).toBe('6 (4–8)');
  });
});
