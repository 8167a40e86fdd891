// CPU % and RSS of a QEMU process from /proc, and a bounded history for charts.
import type { StatsSample } from '../../shared/vm';
import { readProcStat } from './proc';

/** Samples kept per VM (at 2 s that is 10 minutes). */
export const STATS_HISTORY = 300;
/** Default sampling interval. */
export const STATS_INTERVAL_MS = 2_000;
const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) is 100 on every Linux architecture Node runs on
const PAGE_SIZE = 4096;

/** A CPU-tick reading to diff against. */
export interface CpuReading {
  at: number;
  ticks: number;
}

/** Reads the process's CPU ticks now, or undefined when it is gone. */
export function readCpu(pid: number): { reading: CpuReading; rssBytes: number } | undefined {
  const st = readProcStat(pid);
  if (!st) return undefined;
  return { reading: { at: Date.now(), ticks: st.cpuTicks }, rssBytes: st.rssPages * PAGE_SIZE };
}

/** CPU % between two readings (100 = one core busy). Pure. */
export function cpuPercent(prev: CpuReading, next: CpuReading): number {
  const wallMs = next.at - prev.at;
  if (wallMs <= 0) return 0;
  const cpuMs = ((next.ticks - prev.ticks) * 1000) / CLK_TCK;
  return Math.max(0, Math.round((cpuMs / wallMs) * 1000) / 10);
}

/** Appends a sample, dropping the oldest beyond the bound. Pure (returns a new array). */
export function pushBounded(history: StatsSample[], sample: StatsSample, max = STATS_HISTORY): StatsSample[] {
  const next = history.length >= max ? history.slice(history.length - max + 1) : history.slice();
  next.push(sample);
  return next;
}

/** One sample over `intervalMs` (for the CLI, which is not attached long enough for a history). */
export async function sampleOnce(pid: number, intervalMs = 1_000): Promise<StatsSample | undefined> {
  const a = readCpu(pid);
  if (!a) return undefined;
  await new Promise((r) => setTimeout(r, intervalMs));
  const b = readCpu(pid);
  if (!b) return undefined;
  return { at: b.reading.at, cpuPercent: cpuPercent(a.reading, b.reading), rssBytes: b.rssBytes };
}
