// A tiny CPU (line) and memory (area outline) chart for the VM list.
import type { StatsSample } from '../../../shared/vm';
import { sparklinePath } from '../lib/sparkline';

const SLOTS = 40;

/** CPU % (solid) and memory (dashed) over the last samples. */
export function Sparkline({ samples, width = 72, height = 22 }: { samples: readonly StatsSample[]; width?: number; height?: number }) {
  const recent = samples.slice(-SLOTS);
  const cpu = sparklinePath(recent.map((s) => s.cpuPercent), width, height, SLOTS, 100);
  // Memory moves little relative to its size: scale between its own low and high so changes show.
  const rss = recent.map((s) => s.rssBytes);
  const low = Math.min(...rss);
  const high = Math.max(...rss);
  const mem = sparklinePath(rss, width, height, SLOTS, high + (high - low) * 0.1 + 1, Math.max(0, low - (high - low) * 0.1 - 1));
  const last = recent[recent.length - 1];
  const title = last ? `CPU ${last.cpuPercent.toFixed(1)}%, memory ${(last.rssBytes / 1048576).toFixed(0)} MiB` : 'no samples yet';
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      {mem && <path className="spark-mem" d={mem} />}
      {cpu && <path className="spark-cpu" d={cpu} />}
    </svg>
  );
}
