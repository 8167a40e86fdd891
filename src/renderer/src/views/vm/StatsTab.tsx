// Stats: CPU % and memory over time, drawn with uPlot.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { StatsSample } from '../../../../shared/vm';
import { formatBytes, formatClock, formatDateTime, formatPercent } from '../../lib/format';
import { isActive, useVms } from '../../stores/vms';

const EMPTY: StatsSample[] = [];

/** The Stats tab. */
export function StatsTab({ name }: { name: string }) {
  const samples = useVms((s) => s.stats[name] ?? EMPTY);
  const vm = useVms((s) => s.vms[name]);
  const live = vm ? isActive(vm) : false;
  const last = samples[samples.length - 1];
  // A stopped VM has no current figures: the tiles say so, and the charts are labelled as the last run's.
  const current = live ? last : undefined;
  return (
    <div className="stats-tab" data-testid="stats-tab">
      {!live && last && (
        <p className="muted" data-testid="stats-stale">
          Not running: the charts show the last run, up to {formatDateTime(last.at)}.
        </p>
      )}
      <div className="stat-tiles">
        <div className="stat-tile">
          <span className="muted small">CPU</span>
          <strong data-testid="stat-cpu">{formatPercent(current?.cpuPercent)}</strong>
        </div>
        <div className="stat-tile">
          <span className="muted small">Memory (QEMU RSS)</span>
          <strong data-testid="stat-mem">{formatBytes(current?.rssBytes)}</strong>
        </div>
        <div className="stat-tile">
          <span className="muted small">Samples</span>
          <strong>{samples.length}</strong>
        </div>
      </div>
      {samples.length === 0 ? (
        <p className="muted">No samples yet: stats are collected while the VM runs.</p>
      ) : (
        <>
          <Chart samples={samples} metric={CPU} />
          <Chart samples={samples} metric={MEMORY} />
        </>
      )}
    </div>
  );
}

/** What one chart draws. */
interface Metric {
  title: string;
  value: (s: StatsSample) => number;
  unit: (v: number) => string;
  colorVar: string;
  yMax?: number;
}

const CPU: Metric = {
  title: 'CPU %',
  value: (s) => s.cpuPercent,
  unit: (v) => `${v.toFixed(0)}%`,
  colorVar: '--chart-cpu',
  yMax: 100,
};
// Memory is charted in MiB so the axis gets round ticks (0, 50, 100 MiB), not binary fractions.
const MEMORY: Metric = {
  title: 'Memory (MiB)',
  value: (s) => s.rssBytes / 1048576,
  unit: (v) => `${Math.round(v)} MiB`,
  colorVar: '--chart-mem',
};

function Chart({ samples, metric }: { samples: readonly StatsSample[]; metric: Metric }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { value, unit, colorVar, yMax, title } = metric;

  useEffect(() => {
    const el = host.current!;
    const css = getComputedStyle(document.documentElement);
    const color = css.getPropertyValue(colorVar).trim() || '#3b82f6';
    const axisColor = css.getPropertyValue('--muted').trim() || '#888';
    const gridColor = css.getPropertyValue('--border').trim() || '#ddd';
    const axis = {
      stroke: axisColor,
      grid: { stroke: gridColor, width: 1 },
      ticks: { stroke: gridColor, width: 1 },
    };
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height: 200,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: yMax ? { range: [0, yMax] } : { range: (_u, _min, max) => [0, Math.max(max * 1.15, 1)] },
      },
      // Times as everywhere else in the app (formatClock / formatDateTime: 24-hour local time).
      axes: [
        { ...axis, values: (_u, ticks) => ticks.map((t) => formatClock(t * 1000)) },
        { ...axis, size: 70, values: (_u, ticks) => ticks.map(unit) },
      ],
      series: [{}, { label: title, stroke: color, width: 2, fill: `${color}22`, points: { show: false } }],
    };
    plot.current = new uPlot(opts, [[], []], el);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(el.clientWidth, 200), height: 200 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [colorVar, yMax, unit, title]);

  useEffect(() => {
    plot.current?.setData([samples.map((s) => s.at / 1000), samples.map(value)]);
  }, [samples, value]);

  return (
    <section className="card chart-card">
      <h2>{title}</h2>
      <div ref={host} className="chart" role="img" aria-label={`${title} over time`} />
    </section>
  );
}
